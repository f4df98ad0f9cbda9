import { EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';
import { useMemo } from 'react';
import { Dots } from './Dots.tsx';
import { formatRate } from './live-view.ts';
import type { FlowEdge as FlowEdgeType } from './model.ts';
import { curve, pointBefore } from './paths.ts';

/**
 * A call, event leg or storage link: its path (red while it fails, by breaker state for calls),
 * dots for what moved along it in the last tick, and a label with its rate.
 */
export function FlowEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<FlowEdgeType>) {
  const path = useMemo(
    () => curve({ x: sourceX, y: sourceY }, sourcePosition, { x: targetX, y: targetY }, targetPosition),
    [sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition],
  );
  if (!data) return null;
  const failing = data.recentErrors > 0 || data.breaker === 'open';
  const classes = ['flow-edge', `kind-${data.kind}`, data.rate > 0 ? 'is-active' : '', failing ? 'is-failing' : '', data.breaker ? `breaker-${data.breaker}` : '', `emphasis-${data.emphasis}`];
  // A label before its target grows leftwards (its right end stays clear of the card), others are centred.
  const place = data.label;
  const before = 'before' in place;
  const point = 'before' in place ? pointBefore(path, { x: targetX, y: targetY }, place.before) : path.at(place.at);
  const breakerId = id.replace(/^call:/, '');
  return (
    <>
      <path className={classes.join(' ')} d={path.d} fill="none" markerEnd={markerEnd} data-edge={id} />
      {data.kind !== 'storage' && <Dots pulse={data.pulse} path={path} />}
      {data.kind !== 'storage' && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label kind-${data.kind}${data.rate > 0 ? ' is-active' : ''}${failing ? ' is-failing' : ''} emphasis-${data.emphasis}`}
            style={{ transform: `translate(${before ? '-100%' : '-50%'}, -50%) translate(${point.x}px, ${point.y}px)` }}
            title={edgeTitle(id, data.detail, data.types)}
          >
            <span data-testid={`edge-rate-${id}`}>{formatRate(data.rate)}</span>
            {data.errors > 0 && <span className="edge-errors"> {data.errors} err</span>}
            {data.breaker && (
              // A closed breaker is the normal case: a small dot, its state still in the text.
              <span className={`breaker-chip breaker-${data.breaker}`} data-testid={`breaker-${breakerId}`} title={`circuit breaker ${data.breaker}`}>
                {data.breaker === 'closed' ? <span className="visually-hidden">closed</span> : data.breaker}
              </span>
            )}
            {data.fallbacks > 0 && (
              <span className="fallback-chip" data-testid={`fallback-${breakerId}`} title="fallback answers served in the last seconds">
                fallback ×{data.fallbacks}
              </span>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

function edgeTitle(id: string, detail: string, types: Array<{ type: string; rate: number }>): string {
  if (types.length === 0) return `${id} (${detail})`;
  return [detail, ...types.map((item) => `  ${item.type}: ${formatRate(item.rate)}`)].join('\n');
}
