import type { Order, Saga } from '../api/types.ts';
import type { Polled } from '../api/usePoll.ts';
import { SagaTimeline } from '../sagas/SagaTimeline.tsx';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';
import { formatMoney, formatTime } from '../ui/format.ts';

export interface OrderFollowProps {
  order: Polled<Order> & { live: boolean };
  saga: Polled<Saga> & { live: boolean };
  onOpenTrace: (traceId: string) => void;
}

/** The order just placed, as the customer sees it, and its saga as it unfolds. */
export function OrderFollow({ order, saga, onOpenTrace }: OrderFollowProps) {
  const data = order.data;
  return (
    <div className="order-follow" data-testid="shop-order">
      {order.error && <ErrorNote>{order.error}</ErrorNote>}
      {data && (
        <div className="order-summary">
          <div>
            Order <span className="mono" data-testid="shop-order-id">{data.id}</span>
          </div>
          <div>
            <span className={`order-status status-${data.status.toLowerCase()}`} data-testid="shop-order-status">
              {data.status}
            </span>
            {data.reason && (
              <span className="muted small" data-testid="shop-order-reason">
                {' '}
                {data.reason}
              </span>
            )}
            <span className="muted small"> · {formatMoney(data.totalCents, data.currency)}</span>
            {order.live && <span className="live-dot small">live</span>}
          </div>
        </div>
      )}
      {saga.data ? (
        <SagaTimeline saga={saga.data} live={saga.live} onOpenTrace={onOpenTrace} showOrder={false} />
      ) : saga.missing ? (
        <>
          <Unavailable what="The saga view" testId="saga-unavailable" />
          {data && (
            <ol className="timeline" data-testid="shop-order-history">
              {data.history.map((entry, index) => (
                <li key={`${entry.at}-${index}`} className="step kind-status">
                  <span className="step-time">{formatTime(entry.at)}</span>
                  <span className="step-marker" aria-hidden="true" />
                  <div className="step-body">
                    <span className="step-kind">status</span> <code>{entry.status}</code> {entry.reason && <span className="muted small">{entry.reason}</span>}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </>
      ) : saga.error ? (
        <ErrorNote>{saga.error}</ErrorNote>
      ) : null}
    </div>
  );
}
