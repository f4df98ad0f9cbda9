import type { BreakerState, ServiceStatus, Topology } from '../api/types.ts';
import { edgeStats, formatRate, type LiveView } from '../graph/live-view.ts';

/**
 * A service's outgoing calls with their circuit breakers and fallbacks, and the events it publishes
 * and consumes, each with its rate in the last tick.
 */
export function ServiceFlows({ service, topology, view, status, fallbacks }: { service: string; topology: Topology; view: LiveView; status: ServiceStatus | undefined; fallbacks: Record<string, number> }) {
  const calls = topology.edges.filter((edge) => edge.kind === 'call' && edge.from === service);
  const published = topology.edges.filter((edge) => edge.kind === 'event' && edge.from === service);
  const consumed = topology.edges.filter((edge) => edge.kind === 'event' && edge.to === service);
  const breakerOf = (target: string): BreakerState | undefined => view.breakers[`call:${service}->${target}`] ?? status?.breakers?.[target];

  return (
    <>
      <h3>Outgoing calls</h3>
      {calls.length === 0 ? (
        <p className="muted small">None: this service calls no other.</p>
      ) : (
        <table className="compact-table">
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col" className="number">
                Rate
              </th>
              <th scope="col">Breaker</th>
              <th scope="col" className="number" title="fallback answers served since the caller started">
                Fallbacks
              </th>
            </tr>
          </thead>
          <tbody>
            {calls.map((edge) => {
              const breaker = breakerOf(edge.to);
              const stats = edgeStats(view, edge.id);
              return (
                <tr key={edge.id}>
                  <th scope="row">{edge.label}</th>
                  <td className="number">
                    {formatRate(stats.rate)}
                    {stats.errors > 0 && <span className="error-text"> · {stats.errors} err</span>}
                  </td>
                  <td>
                    <span className={`breaker-chip breaker-${breaker ?? 'unknown'}`} data-testid={`panel-breaker-${service}->${edge.to}`}>
                      {breaker ?? 'not used yet'}
                    </span>
                  </td>
                  <td className="number">{fallbacks[`${service}->${edge.to}`] ?? 0}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h3>Events</h3>
      <ul className="event-list">
        {published.map((edge) => (
          <li key={edge.id}>
            <span className="event-direction">publishes</span> <code>{edge.label}</code>{' '}
            <span className="muted" data-testid={`event-rate-${edge.id}`}>
              {formatRate(edgeStats(view, edge.id).rate)}
            </span>
          </li>
        ))}
        {consumed.map((edge) => {
          const stats = edgeStats(view, edge.id);
          return (
            <li key={edge.id}>
              <span className="event-direction">consumes</span> <code>{edge.label}</code>{' '}
              <span className="muted" data-testid={`event-rate-${edge.id}`}>
                {formatRate(stats.rate)}
              </span>
              {stats.errors > 0 && <span className="error-text"> · {stats.errors} failed</span>}
            </li>
          );
        })}
        {published.length + consumed.length === 0 && <li className="muted">No events.</li>}
      </ul>
    </>
  );
}
