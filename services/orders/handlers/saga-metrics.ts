import { metrics } from '@agora/chassis';
import type { OrderRow } from '../storage/orders-db.ts';

const finalStatuses = new Set<OrderRow['status']>(['SHIPPED', 'CANCELLED']);

/**
 * Counts a checkout saga that has just ended, timed from the order's placement. Called after the
 * transaction commits, so a re-run transaction or a redelivered fact is never counted twice. A
 * customer's cancel is told apart: its duration is the customer's, not the system's.
 */
export function recordSagaEnd(service: string, before: OrderRow, after: OrderRow): void {
  if (finalStatuses.has(before.status) || !finalStatuses.has(after.status)) return;
  const outcome = after.status === 'SHIPPED' ? 'shipped' : after.reason === 'cancelled-by-customer' ? 'cancelled-by-customer' : 'cancelled';
  const labels = { service, saga: after.saga, outcome };
  metrics.sagasCompleted.inc(labels);
  metrics.sagaDuration.observe(labels, (Date.parse(after.updated_at) - Date.parse(before.created_at)) / 1000);
}
