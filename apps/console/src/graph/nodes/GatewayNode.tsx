import { Handle, Position, type NodeProps } from '@xyflow/react';
import { formatRate } from '../live-view.ts';
import type { GatewayFlowNode } from '../model.ts';

export function GatewayNode({ id, data }: NodeProps<GatewayFlowNode>) {
  return (
    <div className={`node node-gateway emphasis-${data.emphasis}`} data-testid={`node-${id}`}>
      <div className="node-kind">API gateway</div>
      <div className="node-title">{data.label}</div>
      <div className="node-stats">
        <span data-testid={`service-requests-${id}`}>{formatRate(data.requests)}</span>
        <span className="muted"> · {data.instances === 1 ? '1 instance' : `${data.instances} instances`}</span>
      </div>
      <Handle type="source" position={Position.Right} id="call-out" isConnectable={false} />
    </div>
  );
}
