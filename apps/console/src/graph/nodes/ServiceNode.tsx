import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { useEffect } from 'react';
import { useGraphActions } from '../graph-actions.ts';
import { CONSUME_AT, PUBLISH_AT } from '../layout.ts';
import { formatRate } from '../live-view.ts';
import type { ServiceFlowNode } from '../model.ts';

const STATE_TEXT = { up: 'ready', 'not-ready': 'not ready', stopped: 'stopped', unreachable: 'unreachable' } as const;

/** A service: its rate and errors, readiness, outbox, events waiting for it and any fault an operator injected. */
export function ServiceNode({ id, data }: NodeProps<ServiceFlowNode>) {
  const { select } = useGraphActions();
  // The graph keeps the handles it measured (build.ts): a caller gained or lost must be measured anew.
  const updateNodeInternals = useUpdateNodeInternals();
  const callers = data.callers.join(',');
  useEffect(() => updateNodeInternals(id), [id, callers, updateNodeInternals]);
  const faults = data.faults && (data.faults.latencyMs > 0 || data.faults.errorRate > 0) ? data.faults : undefined;
  return (
    <div
      className={`node node-service state-${data.state}${data.selected ? ' is-selected' : ''} emphasis-${data.emphasis}`}
      data-testid={`node-${id}`}
      data-state={data.state}
    >
      {data.callers.map((caller, index) => (
        <Handle key={caller} type="target" position={Position.Left} id={`in:${caller}`} style={{ top: `${((index + 1) / (data.callers.length + 1)) * 100}%` }} isConnectable={false} />
      ))}
      <div className="service-head">
        <button type="button" className="service-name" onClick={() => select(id)} aria-pressed={data.selected} title={`Show ${id}`}>
          {data.name}
        </button>
        <span className={`state-pill state-${data.state}`}>{STATE_TEXT[data.state]}</span>
      </div>
      <div className="node-stats">
        <span data-testid={`service-requests-${id}`}>{formatRate(data.requests)}</span>
        {data.errors > 0 && <span className="error-text"> · {data.errors} err</span>}
        <span className="muted">
          {' '}
          · v{data.versions.join(', v') || '?'} ×{data.instances}
        </span>
      </div>
      <div className="service-badges">
        <span className={`badge badge-outbox${data.outbox > 0 ? ' is-pending' : ''}`} data-testid={`outbox-${id}`} title="events committed, not yet relayed to the bus">
          outbox {data.outbox}
        </span>
        {data.waiting !== undefined && (
          <span className={`badge badge-waiting${data.waiting > 0 ? ' is-pending' : ''}`} data-testid={`waiting-${id}`} title="events on the bus this service has not handled yet">
            {data.waiting} waiting
          </span>
        )}
        {faults && faults.latencyMs > 0 && <span className="badge badge-fault">+{faults.latencyMs} ms</span>}
        {faults && faults.errorRate > 0 && <span className="badge badge-fault">{Math.round(faults.errorRate * 100)}% errors</span>}
      </div>
      <Handle type="source" position={Position.Right} id="call-out" isConnectable={false} />
      <Handle type="source" position={Position.Right} id="publish" style={{ top: `${PUBLISH_AT * 100}%` }} isConnectable={false} />
      <Handle type="target" position={Position.Right} id="consume" style={{ top: `${CONSUME_AT * 100}%` }} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} id="store" isConnectable={false} />
    </div>
  );
}
