import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { DatabaseFlowNode } from '../model.ts';

export function DatabaseNode({ id, data }: NodeProps<DatabaseFlowNode>) {
  return (
    <div className={`node node-database${data.down ? ' is-down' : ''} emphasis-${data.emphasis}`} data-testid={`node-${id}`} title={`${data.label} (${data.engine})`}>
      <Handle type="target" position={Position.Top} id="in" isConnectable={false} />
      <span className="db-label">{data.label.replace(/ database$/, ' db')}</span>
      <span className="db-engine">{data.engine}</span>
    </div>
  );
}
