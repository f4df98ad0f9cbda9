import { useCallback, useState } from 'react';
import { api } from '../api/client.ts';
import { FINAL_STATUSES, type Order } from '../api/types.ts';
import { useLiveUntil } from '../api/useLiveUntil.ts';
import { usePoll } from '../api/usePoll.ts';

const LIVE_MS = 1_000;

/** The customer's view of one order (`GET /api/v1/orders/:id`), read every second until final. */
export function useOrder(token: string, orderId: string | null) {
  const [final, setFinal] = useState(false);
  const live = useLiveUntil(orderId, final);
  const order = usePoll(
    orderId ? `order:${orderId}` : null,
    useCallback((signal: AbortSignal) => api<Order>(`/api/v1/orders/${encodeURIComponent(orderId ?? '')}`, { token, signal }), [token, orderId]),
    live ? LIVE_MS : 0,
  );
  const isFinal = order.data !== undefined && order.data.id === orderId && FINAL_STATUSES.has(order.data.status);
  if (isFinal !== final) setFinal(isFinal);
  return { ...order, live };
}
