import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrderRow } from '../storage/orders-db.ts';
import { decide, type SagaFact } from './order-state.ts';

const pending: OrderRow = {
  id: 'o-1',
  user_id: 'u-1',
  idempotency_key: 'k',
  request_hash: 'h',
  status: 'PENDING',
  reason: null,
  items: '[]',
  total_cents: 100,
  currency: 'EUR',
  shipping_address: '{}',
  saga: 'choreography',
  stock_state: 'pending',
  payment_state: 'pending',
  version: 1,
  created_at: '',
  updated_at: '',
};

function apply(order: OrderRow, ...facts: SagaFact[]): OrderRow {
  return facts.reduce((current, fact) => ({ ...current, ...decide(current, fact) }), order);
}

describe('order state machine', () => {
  it('confirms once both stock and payment are in, in either order', () => {
    assert.equal(apply(pending, { kind: 'stock-reserved' }, { kind: 'payment-captured' }).status, 'CONFIRMED');
    assert.equal(apply(pending, { kind: 'payment-captured' }, { kind: 'stock-reserved' }).status, 'CONFIRMED');
    assert.equal(apply(pending, { kind: 'stock-reserved' }).status, 'PENDING');
  });

  it('ignores a fact it already knows (redelivery changes nothing)', () => {
    const reserved = apply(pending, { kind: 'stock-reserved' });
    assert.equal(decide(reserved, { kind: 'stock-reserved' }), null);
    const shipped = apply(pending, { kind: 'stock-reserved' }, { kind: 'payment-captured' }, { kind: 'shipped' });
    assert.equal(shipped.status, 'SHIPPED');
    assert.equal(decide(shipped, { kind: 'shipped' }), null);
  });

  it('cancels with the reason on out-of-stock or decline, and stays cancelled', () => {
    const rejected = apply(pending, { kind: 'payment-captured' }, { kind: 'stock-rejected', reason: 'out-of-stock: p-x' });
    assert.equal(rejected.status, 'CANCELLED');
    assert.equal(rejected.reason, 'out-of-stock: p-x');
    const declined = apply(pending, { kind: 'stock-reserved' }, { kind: 'payment-declined', reason: 'card-declined' });
    assert.equal(declined.reason, 'payment-declined: card-declined');
    assert.equal(apply(declined, { kind: 'shipped' }).status, 'CANCELLED');
  });

  it('lets a customer cancel only a pending order, idempotently', () => {
    const cancelled = apply(pending, { kind: 'customer-cancel' });
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(decide(cancelled, { kind: 'customer-cancel' }), null);
    const confirmed = apply(pending, { kind: 'stock-reserved' }, { kind: 'payment-captured' });
    assert.throws(() => decide(confirmed, { kind: 'customer-cancel' }), /can no longer be cancelled/);
  });

  it('cancels a pending or confirmed order whose saga step was refused, but never a shipped one', () => {
    const confirmed = apply(pending, { kind: 'stock-reserved' }, { kind: 'payment-captured' });
    const refused = apply(confirmed, { kind: 'step-refused', reason: 'ship-refused: no carrier' });
    assert.equal(refused.status, 'CANCELLED');
    assert.equal(refused.reason, 'ship-refused: no carrier');
    assert.equal(decide(apply(confirmed, { kind: 'shipped' }), { kind: 'step-refused', reason: 'late' }), null);
  });
});
