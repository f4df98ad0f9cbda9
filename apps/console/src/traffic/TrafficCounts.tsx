import type { TrafficStatus } from '../api/types.ts';

const NAMES: Record<string, string> = { browse: 'Browse', login: 'Sign in', checkout: 'Checkout', declined: 'Declined card', outOfStock: 'Out of stock', orderStatus: 'Order status', cancel: 'Cancel' };

/** What the generator has done since it started, per kind of operation. */
export function TrafficCounts({ status }: { status: TrafficStatus }) {
  const rows = Object.entries(status.counts);
  return (
    <div data-testid="traffic-counts">
      <table className="compact-table">
        <caption className="visually-hidden">Traffic generator operations since start</caption>
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col" className="number">
              OK
            </th>
            <th scope="col" className="number">
              Failed
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, count]) => (
            <tr key={name}>
              <th scope="row">{NAMES[name] ?? name}</th>
              <td className="number" data-testid={`traffic-count-${name}`}>
                {count.ok}
              </td>
              <td className={`number${count.failed > 0 ? ' error-text' : ''}`} data-testid={`traffic-failed-${name}`}>
                {count.failed}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        {status.startedAt ? `Since ${new Date(status.startedAt).toLocaleTimeString(undefined, { hour12: false })}` : 'Not started yet'}
        {status.inFlight !== undefined && <span data-testid="traffic-in-flight"> · {status.inFlight} in flight</span>}
        {status.shed !== undefined && <span data-testid="traffic-shed"> · {status.shed} shed</span>}
        {status.restocked > 0 && <span data-testid="traffic-restocked"> · {status.restocked} restocked</span>}
        {status.lastError && <span className="error-text"> · last error: {status.lastError}</span>}
      </p>
    </div>
  );
}
