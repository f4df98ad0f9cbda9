import { problems } from '@agora/chassis';
import type { OrderChanges } from '../storage/order-store.ts';
import type { OrderRow } from '../storage/orders-db.ts';

/** What the saga learned about an order, from an event (choreography) or a command's answer (orchestration). */
export type SagaFact =
  | { kind: 'stock-reserved' }
  | { kind: 'stock-rejected'; reason: string }
  | { kind: 'stock-released' }
  | { kind: 'payment-captured' }
  | { kind: 'payment-declined'; reason: string }
  | { kind: 'payment-refunded' }
  | { kind: 'payment-voided' }
  | { kind: 'shipped' }
  | { kind: 'customer-cancel' }
  /** A saga step was refused for a reason other than stock or payment: the order cannot complete. */
  | { kind: 'step-refused'; reason: string };

/**
 * The order state machine, PENDING → CONFIRMED → SHIPPED or → CANCELLED, as a pure function.
 * Applying a fact twice changes nothing the second time, which is what makes redelivery harmless.
 * Returns null when the fact changes nothing.
 */
export function decide(order: OrderRow, fact: SagaFact): OrderChanges | null {
  const pending = order.status === 'PENDING';
  switch (fact.kind) {
    case 'stock-reserved':
      if (order.stock_state !== 'pending') return null;
      return { stock_state: 'reserved', ...(pending && order.payment_state === 'captured' ? { status: 'CONFIRMED' } : {}) };
    case 'payment-captured':
      if (order.payment_state !== 'pending') return null;
      return { payment_state: 'captured', ...(pending && order.stock_state === 'reserved' ? { status: 'CONFIRMED' } : {}) };
    case 'stock-rejected':
      if (order.stock_state !== 'pending') return null;
      return { stock_state: 'rejected', ...(pending ? { status: 'CANCELLED', reason: fact.reason } : {}) };
    case 'payment-declined':
      if (order.payment_state !== 'pending') return null;
      return { payment_state: 'declined', ...(pending ? { status: 'CANCELLED', reason: `payment-declined: ${fact.reason}` } : {}) };
    case 'stock-released':
      return order.stock_state === 'released' ? null : { stock_state: 'released' };
    case 'payment-refunded':
      return order.payment_state === 'refunded' ? null : { payment_state: 'refunded' };
    case 'payment-voided':
      return order.payment_state === 'pending' ? { payment_state: 'voided' } : null;
    case 'shipped':
      return pending || order.status === 'CONFIRMED' ? { status: 'SHIPPED' } : null;
    case 'step-refused':
      return pending || order.status === 'CONFIRMED' ? { status: 'CANCELLED', reason: fact.reason } : null;
    case 'customer-cancel':
      if (order.status === 'CANCELLED') return null;
      if (!pending) throw problems.conflict(`order ${order.id} is ${order.status} and can no longer be cancelled`, { extensions: { orderStatus: order.status } });
      return { status: 'CANCELLED', reason: 'cancelled-by-customer' };
  }
}
