import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { useEffect } from 'react';
import { formatRate } from '../live-view.ts';
import type { BusFlowNode } from '../model.ts';

/** The event bus: a tall bar with a pair of handles level with each service's event lines. */
export function BusNode({ id, data }: NodeProps<BusFlowNode>) {
  // The graph keeps the handles it measured (build.ts): a service gained, lost or moved must be measured anew.
  const updateNodeInternals = useUpdateNodeInternals();
  const handles = data.handles.map((handle) => `${handle.service}@${handle.publishY},${handle.consumeY}`).join(' ');
  useEffect(() => updateNodeInternals(id), [id, handles, updateNodeInternals]);
  return (
    <div className={`node node-bus emphasis-${data.emphasis}`} data-testid={`node-${id}`} title={`event bus (${data.engine})`}>
      {data.handles.map((handle) => (
        <Handle key={`in:${handle.service}`} type="target" position={Position.Left} id={`in:${handle.service}`} style={{ top: handle.publishY }} isConnectable={false} />
      ))}
      {data.handles.map((handle) => (
        <Handle key={`out:${handle.service}`} type="source" position={Position.Left} id={`out:${handle.service}`} style={{ top: handle.consumeY }} isConnectable={false} />
      ))}
      <div className="bus-text">
        <span className="bus-title">event bus</span>
        <span className="bus-meta">
          {data.engine} · {formatRate(data.rate)}
        </span>
      </div>
    </div>
  );
}
