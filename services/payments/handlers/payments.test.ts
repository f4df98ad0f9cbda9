import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { EventEnvelope, Principal } from '@agora/chassis';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { payments } from '../service.ts';

const alice = { sub: 'u-alice', role: 'customer' as const };
const admin = { sub: 'u-admin', role: 'admin' as const };
const address = { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'NL' };

describe('payments (event-sourced ledger)', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([payments], { env: { PAYMENT_TIMEOUT_MS: '300', PAYMENT_PROCESSOR_SLOW_MS: '2000' } });
  });
  after(() => shop.stop());

  const placed = (cardToken: string, totalCents = 1000) => {
    const orderId = `o-${randomUUID()}`;
    return shop.publish(orderCreated, orderId, { orderId, userId: 'u-alice', items: [{ productId: 'p', quantity: 1, unitPriceCents: totalCents }], totalCents, currency: 'EUR', payment: { cardToken }, shippingAddress: address, saga: 'choreography' }).then(() => orderId);
  };
  const paymentOf = (orderId: string, principal: Principal = alice) => shop.request('payments', { method: 'GET', url: `/api/v1/payments/${orderId}`, principal });
  const outcome = (orderId: string, type: string): Promise<EventEnvelope<any>> => eventually(() => shop.events(type).find((event) => event.subject === orderId), 3_000, `${type} for ${orderId}`);

  it('captures a good card once and shows the payment only to its owner', async () => {
    const orderId = await placed('tok_visa', 2500);
    const event = await outcome(orderId, 'payment.captured.v1');
    assert.deepEqual(event.data, { orderId, amountCents: 2500, currency: 'EUR', saga: 'choreography' });
    const mine = await paymentOf(orderId);
    assert.equal(mine.body.status, 'captured');
    assert.deepEqual(mine.body.ledger.map((entry: { type: string }) => entry.type), ['PaymentCaptured']);
    assert.equal((await paymentOf(orderId, { sub: 'u-mallory', role: 'customer' })).status, 404);
    assert.equal((await paymentOf(orderId, admin)).status, 200);
  });

  it('declines a declined card and a card slower than the deadline', async () => {
    const declined = await placed('tok_declined');
    assert.equal((await outcome(declined, 'payment.declined.v1')).data.reason, 'card-declined');
    const started = Date.now();
    const slow = await placed('tok_slow');
    assert.equal((await outcome(slow, 'payment.declined.v1')).data.reason, 'processor-timeout');
    assert.ok(Date.now() - started < 1_500, 'the deadline, not the slow processor, decided');
  });

  it('refunds a cancelled order once, however often the cancel arrives', async () => {
    const orderId = await placed('tok_visa', 4000);
    await outcome(orderId, 'payment.captured.v1');
    for (let i = 0; i < 2; i++) await shop.publish(orderCancelled, orderId, { orderId, userId: 'u-alice', reason: 'x', saga: 'choreography' });
    await outcome(orderId, 'payment.refunded.v1');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const payment = await paymentOf(orderId);
    assert.equal(payment.body.status, 'refunded');
    assert.equal(payment.body.capturedCents - payment.body.refundedCents, 0);
    assert.equal(shop.events('payment.refunded.v1').filter((event) => event.subject === orderId).length, 1);
  });

  it('voids an order cancelled before its charge, and refunds a charge that lands after the void', async () => {
    const orderId = `o-${randomUUID()}`;
    const command = { orderId, userId: 'u-alice', amountCents: 700, currency: 'EUR', cardToken: 'tok_visa', saga: 'orchestration' as const };
    const voided = await shop.request('payments', { method: 'POST', url: `/internal/v1/payments/${orderId}/refund`, body: { userId: 'u-alice', saga: 'orchestration' } });
    assert.equal(voided.body.status, 'voided');
    const late = await shop.request('payments', { method: 'POST', url: '/internal/v1/payments', body: command });
    assert.equal(late.body.status, 'voided', 'a voided order is not charged');
    const payment = await paymentOf(orderId);
    assert.equal(payment.body.capturedCents, 0);
  });

  it('charges once for a capture command sent twice, even concurrently', async () => {
    const orderId = `o-${randomUUID()}`;
    const command = { orderId, userId: 'u-alice', amountCents: 900, currency: 'EUR', cardToken: 'tok_visa', saga: 'orchestration' as const };
    const answers = await Promise.all([1, 2, 3].map(() => shop.request('payments', { method: 'POST', url: '/internal/v1/payments', body: command })));
    const again = await shop.request('payments', { method: 'POST', url: '/internal/v1/payments', body: command });
    assert.ok([...answers, again].every((answer) => answer.status === 200 ? answer.body.status === 'captured' : answer.status === 503));
    const payment = await paymentOf(orderId);
    assert.deepEqual(payment.body.ledger.map((entry: { type: string }) => entry.type), ['PaymentCaptured']);
  });

  it('replays the whole ledger into totals that add up', async () => {
    const totals = await shop.request('payments', { method: 'GET', url: '/api/v1/admin/ledger', principal: admin });
    assert.equal(totals.body.netCents, totals.body.capturedCents - totals.body.refundedCents);
    assert.equal(totals.body.capturedCents, 2500 + 4000 + 900);
    assert.equal(totals.body.refundedCents, 4000);
  });
});
