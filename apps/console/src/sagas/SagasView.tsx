import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';
import { formatMoney, formatTime, shortId } from '../ui/format.ts';
import { SagaTimeline } from './SagaTimeline.tsx';
import { useSaga } from './useSaga.ts';

const ORDERS_MS = 3_000;

export interface SagasViewProps {
  admin: AdminApi;
  orderId: string | null;
  onSelectOrder: (orderId: string) => void;
  onOpenTrace: (traceId: string) => void;
}

/** Pick an order (the newest, or any id pasted) and follow its saga. */
export function SagasView({ admin, orderId, onSelectOrder, onOpenTrace }: SagasViewProps) {
  const id = useId();
  const orders = usePoll('orders', useCallback((signal: AbortSignal) => admin.orders(signal), [admin]), ORDERS_MS);
  const saga = useSaga(admin, orderId);
  const [draft, setDraft] = useState('');
  const newest = orders.data?.items[0]?.id;

  // With nothing picked yet, the newest order is shown.
  useEffect(() => {
    if (!orderId && newest) onSelectOrder(newest);
  }, [orderId, newest, onSelectOrder]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) onSelectOrder(draft.trim());
  };

  return (
    <div className="split-view">
      <section className="card picker" aria-labelledby={`${id}-orders`}>
        <h2 id={`${id}-orders`}>Orders</h2>
        <form className="inline-form" onSubmit={submit}>
          <label htmlFor={`${id}-order`}>Order id</label>
          <input id={`${id}-order`} value={draft} onChange={(event) => setDraft(event.target.value)} placeholder="paste an order id" spellCheck={false} data-testid="saga-order-input" />
          <button type="submit" data-testid="saga-order-load">
            Show
          </button>
        </form>
        {orders.missing ? (
          <Unavailable what="The order list" testId="orders-unavailable" />
        ) : orders.error ? (
          <ErrorNote>{orders.error}</ErrorNote>
        ) : (
          <ul className="pick-list" data-testid="saga-orders">
            {(orders.data?.items ?? []).map((order) => (
              <li key={order.id}>
                <button type="button" className={`pick${order.id === orderId ? ' is-current' : ''}`} onClick={() => onSelectOrder(order.id)} aria-pressed={order.id === orderId} data-testid={`saga-order-${order.id}`}>
                  <span className="mono" title={order.id}>
                    {shortId(order.id)}
                  </span>
                  <span className={`order-status status-${order.status.toLowerCase()}`}>{order.status}</span>
                  <span className="muted small">
                    {formatMoney(order.totalCents, order.currency)} · {formatTime(order.createdAt)}
                  </span>
                </button>
              </li>
            ))}
            {orders.data && orders.data.items.length === 0 && <li className="muted">No orders yet: start the traffic generator or use the Shop tab.</li>}
          </ul>
        )}
      </section>
      <section className="card detail" aria-label="Saga">
        {!orderId ? (
          <p className="muted">Pick an order to see its saga.</p>
        ) : saga.missing ? (
          <Unavailable what="The saga view" testId="saga-unavailable" />
        ) : saga.error ? (
          <ErrorNote>{saga.error}</ErrorNote>
        ) : saga.data ? (
          <SagaTimeline saga={saga.data} live={saga.live} onOpenTrace={onOpenTrace} />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </div>
  );
}
