import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventEnvelope, Principal } from '@agora/chassis';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { payments } from '../service.ts';

const alice = { sub: 'u-alice', role: 'customer' as const };
const admin = { sub: 'u-admin', role: 'admin' as const };
const address = { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'NL' };
type Saga = 'choreography' | 'orchestration';

/** Helpers over one test system: publish orders' events, send saga commands, read payments. */
function driver(shop: () => TestSystem) {
  const created = (orderId: string, cardToken: string, totalCents = 1000, saga: Saga = 'choreography') =>
    shop().publish(orderCreated, orderId, { orderId, userId: 'u-alice', items: [{ productId: 'p', quantity: 1, unitPriceCents: totalCents }], totalCents, currency: 'EUR', payment: { cardToken }, shippingAddress: address, saga });
  return {
    async placed(cardToken: string, totalCents = 1000, saga: Saga = 'choreography') {
      const orderId = `o-${randomUUID()}`;
      await created(orderId, cardToken, totalCents, saga);
      return orderId;
    },
    created,
    cancelled: (orderId: string, saga: Saga = 'choreography') => shop().publish(orderCancelled, orderId, { orderId, userId: 'u-alice', reason: 'x', saga }),
    capture: (orderId: string, cardToken: string, amountCents: number) =>
      shop().request('payments', { method: 'POST', url: '/internal/v1/payments', body: { orderId, userId: 'u-alice', amountCents, currency: 'EUR', cardToken, saga: 'orchestration' } }),
    refund: (orderId: string) => shop().request('payments', { method: 'POST', url: `/internal/v1/payments/${orderId}/refund`, body: { userId: 'u-alice', saga: 'orchestration' } }),
    paymentOf: (orderId: string, principal: Principal = alice) => shop().request('payments', { method: 'GET', url: `/api/v1/payments/${orderId}`, principal }),
    outcome: (orderId: string, type: string): Promise<EventEnvelope<any>> => eventually(() => shop().events(type).find((event) => event.subject === orderId), 3_000, `${type} for ${orderId}`),
    count: (orderId: string, type: string) => shop().events(type).filter((event) => event.subject === orderId).length,
    ledgerTypes: async (orderId: string) => ((await shop().request('payments', { method: 'GET', url: `/api/v1/payments/${orderId}`, principal: admin })).body.ledger ?? []).map((entry: { type: string }) => entry.type),
  };
}

describe('payments (event-sourced ledger)', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([payments], { env: { PAYMENT_TIMEOUT_MS: '300', PAYMENT_PROCESSOR_SLOW_MS: '2000' } });
  });
  after(() => shop.stop());
  const pay = driver(() => shop);

  it('captures a good card once and shows the payment only to its owner', async () => {
    const orderId = await pay.placed('tok_visa', 2500);
    const event = await pay.outcome(orderId, 'payment.captured.v1');
    assert.deepEqual(event.data, { orderId, amountCents: 2500, currency: 'EUR', saga: 'choreography' });
    const mine = await pay.paymentOf(orderId);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.status, 'captured');
    assert.equal(mine.body.capturedCents, 2500);
    assert.deepEqual(mine.body.ledger.map((entry: { type: string; amountCents: number; version: number }) => [entry.version, entry.type, entry.amountCents]), [[1, 'PaymentCaptured', 2500]]);
    // Another customer learns nothing, not even that the payment exists.
    const theirs = await pay.paymentOf(orderId, { sub: 'u-mallory', role: 'customer' });
    const unknown = await pay.paymentOf(`o-${randomUUID()}`);
    assert.equal(theirs.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(theirs.body.type, unknown.body.type);
    assert.equal((await pay.paymentOf(orderId, admin)).status, 200);
  });

  it('declines a declined card and a card slower than the deadline', async () => {
    const declined = await pay.placed('tok_declined');
    assert.equal((await pay.outcome(declined, 'payment.declined.v1')).data.reason, 'card-declined');
    assert.equal((await pay.paymentOf(declined)).body.status, 'declined');
    const started = Date.now();
    const slow = await pay.placed('tok_slow');
    assert.equal((await pay.outcome(slow, 'payment.declined.v1')).data.reason, 'processor-timeout');
    assert.ok(Date.now() - started < 1_500, 'the deadline, not the slow processor, decided');
    assert.equal(pay.count(slow, 'payment.captured.v1'), 0);
  });

  it('leaves orchestrated orders to the saga commands', async () => {
    const orderId = await pay.placed('tok_visa', 100, 'orchestration');
    await pay.cancelled(orderId, 'orchestration');
    await sleep(200);
    assert.equal((await pay.paymentOf(orderId, admin)).status, 404, 'the consumers recorded nothing');
  });

  it('refunds a cancelled order once, however often the cancel arrives', async () => {
    const orderId = await pay.placed('tok_visa', 4000);
    await pay.outcome(orderId, 'payment.captured.v1');
    for (let i = 0; i < 2; i++) await pay.cancelled(orderId);
    const refunded = await pay.outcome(orderId, 'payment.refunded.v1');
    assert.deepEqual(refunded.data, { orderId, amountCents: 4000, currency: 'EUR', saga: 'choreography' });
    await sleep(150);
    const payment = await pay.paymentOf(orderId);
    assert.equal(payment.body.status, 'refunded');
    assert.equal(payment.body.capturedCents - payment.body.refundedCents, 0);
    assert.deepEqual(await pay.ledgerTypes(orderId), ['PaymentCaptured', 'PaymentRefunded']);
    assert.equal(pay.count(orderId, 'payment.refunded.v1'), 1);
  });

  it('voids an order cancelled before it was created, and never charges it afterwards', async () => {
    const orderId = `o-${randomUUID()}`;
    await pay.cancelled(orderId);
    await eventually(async () => (await pay.ledgerTypes(orderId)).length > 0, 3_000, 'the void');
    await pay.created(orderId, 'tok_visa', 600);
    await sleep(200);
    assert.deepEqual(await pay.ledgerTypes(orderId), ['PaymentVoided']);
    const payment = await pay.paymentOf(orderId);
    assert.equal(payment.body.status, 'voided');
    assert.equal(payment.body.capturedCents, 0);
    assert.equal(pay.count(orderId, 'payment.captured.v1'), 0);
    // The same through the orchestrated commands: the refund answers "voided", the late capture too.
    const commanded = `o-${randomUUID()}`;
    assert.equal((await pay.refund(commanded)).body.status, 'voided');
    const late = await pay.capture(commanded, 'tok_visa', 700);
    assert.deepEqual(late.body, { orderId: commanded, status: 'voided', reason: 'order-cancelled' });
    assert.deepEqual(await pay.ledgerTypes(commanded), ['PaymentVoided']);
  });

  it('charges once for a capture command sent twice, even concurrently', async () => {
    const orderId = `o-${randomUUID()}`;
    const answers = await Promise.all([1, 2, 3].map(() => pay.capture(orderId, 'tok_visa', 900)));
    const again = await pay.capture(orderId, 'tok_visa', 900);
    // A concurrent duplicate either sees the first outcome or is told to retry (503), never charged twice.
    assert.ok([...answers, again].every((answer) => (answer.status === 200 ? answer.body.status === 'captured' : answer.status === 503)));
    assert.equal(again.status, 200);
    assert.deepEqual(await pay.ledgerTypes(orderId), ['PaymentCaptured']);
    await sleep(100);
    assert.equal(pay.count(orderId, 'payment.captured.v1'), 1);
  });

  it('replays the whole ledger into totals that add up', async () => {
    const totals = await shop.request('payments', { method: 'GET', url: '/api/v1/admin/ledger', principal: admin });
    assert.equal(totals.status, 200);
    // captured: 2500 (kept) + 4000 (refunded) + 900 (kept); the voided and declined orders moved no money.
    assert.deepEqual(totals.body, { payments: 7, capturedCents: 2500 + 4000 + 900, refundedCents: 4000, netCents: 2500 + 900, events: 8 });
    const customer = await shop.request('payments', { method: 'GET', url: '/api/v1/admin/ledger', principal: alice });
    assert.equal(customer.status, 403);
  });
});

describe('payments: an order cancelled while its card is being charged', () => {
  let shop: TestSystem;
  before(async () => {
    // tok_slow answers (captured) after 300 ms, well inside the deadline: the window for the cancel.
    shop = await startTestSystem([payments], { env: { PAYMENT_TIMEOUT_MS: '2000', PAYMENT_PROCESSOR_SLOW_MS: '300' } });
  });
  after(() => shop.stop());
  const pay = driver(() => shop);

  it('records the charge that lands after the void and refunds it at once: the books add up', async () => {
    const orderId = `o-${randomUUID()}`;
    const charging = pay.capture(orderId, 'tok_slow', 1200);
    await sleep(50);
    assert.equal((await pay.refund(orderId)).body.status, 'voided', 'nothing was captured yet');
    const answer = await charging;
    assert.equal(answer.body.status, 'refunded');
    assert.deepEqual(await pay.ledgerTypes(orderId), ['PaymentVoided', 'PaymentCaptured', 'PaymentRefunded']);
    const payment = await pay.paymentOf(orderId);
    assert.equal(payment.body.capturedCents, 1200);
    assert.equal(payment.body.refundedCents, 1200);
    await pay.outcome(orderId, 'payment.refunded.v1');
    assert.equal(pay.count(orderId, 'payment.captured.v1'), 1);
    assert.equal(pay.count(orderId, 'payment.refunded.v1'), 1);
    // Cancelling again changes nothing.
    assert.equal((await pay.refund(orderId)).body.status, 'refunded');
    assert.equal((await pay.ledgerTypes(orderId)).length, 3);
  });

  it('does the same when the cancel arrives as an event during a choreographed charge', async () => {
    const orderId = await pay.placed('tok_slow', 800);
    await sleep(50);
    await pay.cancelled(orderId);
    await pay.outcome(orderId, 'payment.refunded.v1');
    const payment = await pay.paymentOf(orderId);
    assert.equal(payment.body.capturedCents - payment.body.refundedCents, 0);
    assert.deepEqual(await pay.ledgerTypes(orderId), ['PaymentVoided', 'PaymentCaptured', 'PaymentRefunded']);
  });
});
