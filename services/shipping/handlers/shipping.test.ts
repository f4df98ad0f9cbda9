import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { metrics, type EventData, type EventEnvelope, type Principal } from '@agora/chassis';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { inventoryReserved } from '@agora/inventory/contract/events';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { paymentCaptured } from '@agora/payments/contract/events';
import { shipmentCancelled, shipmentCreated } from '../contract/events.ts';
import { shipping } from '../service.ts';

const alice: Principal = { sub: 'u-alice', role: 'customer' };
const mallory: Principal = { sub: 'u-mallory', role: 'customer' };
const admin: Principal = { sub: 'u-admin', role: 'admin' };
const address = { name: 'Alice', line1: 'Main street 1', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' };

type Step = 'created' | 'reserved' | 'captured' | 'cancelled';

/** Every order of the given steps (n! arrangements). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('shipping', () => {
  let shop: TestSystem;

  const send = (orderId: string, step: Step) => {
    const saga = 'choreography' as const;
    switch (step) {
      case 'created':
        return shop.publish(orderCreated, orderId, {
          orderId, userId: alice.sub, items: [{ productId: 'p-mouse', quantity: 1, unitPriceCents: 3900 }], totalCents: 3900, currency: 'EUR',
          payment: { cardToken: 'tok_visa' }, shippingAddress: address, saga,
        });
      case 'reserved':
        return shop.publish(inventoryReserved, orderId, { orderId, items: [{ productId: 'p-mouse', quantity: 1 }], saga });
      case 'captured':
        return shop.publish(paymentCaptured, orderId, { orderId, amountCents: 3900, currency: 'EUR', saga });
      case 'cancelled':
        return shop.publish(orderCancelled, orderId, { orderId, userId: 'u-test', reason: 'cancelled-by-customer', saga });
    }
  };
  const created = (orderId: string) =>
    shop.events(shipmentCreated.type).filter((event) => event.subject === orderId) as Array<EventEnvelope<EventData<typeof shipmentCreated>>>;
  const cancelled = (orderId: string) =>
    shop.events(shipmentCancelled.type).filter((event) => event.subject === orderId) as Array<EventEnvelope<EventData<typeof shipmentCancelled>>>;
  const getShipment = (orderId: string, principal = alice) => shop.request('shipping', { method: 'GET', url: `/api/v1/shipments/${orderId}`, principal });
  /** Deliveries a shipping consumer has handled and committed, from the chassis' own counter. */
  const handled = async (consumer: string) =>
    (await metrics.eventsConsumed.get()).values
      .filter((value) => value.labels.consumer === `shipping.${consumer}` && value.labels.outcome === 'ok')
      .reduce((sum, value) => sum + value.value, 0);
  /** Waits until an order whose events were all sent later has shipped: every consumer got past the earlier events. */
  const settle = async () => {
    const marker = `o-marker-${randomUUID()}`;
    for (const step of ['created', 'reserved', 'captured'] as const) await send(marker, step);
    await eventually(() => created(marker).length === 1, 5_000, 'the marker order to ship');
    await sleep(100);
  };

  before(async () => {
    shop = await startTestSystem([shipping]);
  });
  after(() => shop.stop());

  it('ships once whichever order the three events arrive in', async () => {
    const orders = permutations<Step>(['created', 'reserved', 'captured']).map((steps) => ({ orderId: `o-${randomUUID()}`, steps }));
    for (const { orderId, steps } of orders) for (const step of steps) await send(orderId, step);
    for (const { orderId, steps } of orders) {
      const [event] = await eventually(() => created(orderId).length > 0 && created(orderId), 5_000, `shipment for ${steps.join('→')}`);
      assert.match(event!.data.shipmentId, /^s-/);
      assert.match(event!.data.trackingNumber, /^[A-Z0-9]{12}$/);
      assert.ok(['DHL', 'PostNL', 'UPS'].includes(event!.data.carrier));
      assert.equal(event!.data.saga, 'choreography');
    }
    await settle();
    for (const { orderId, steps } of orders) assert.equal(created(orderId).length, 1, steps.join('→'));
  });

  it('ships once when the three events arrive at the same time', async () => {
    const orderId = `o-${randomUUID()}`;
    await Promise.all((['captured', 'reserved', 'created'] as const).map((step) => send(orderId, step)));
    await eventually(() => created(orderId).length === 1, 5_000, 'the shipment');
    const shipment = await getShipment(orderId);
    assert.equal(shipment.status, 200);
    assert.equal(shipment.body.id, created(orderId)[0]!.data.shipmentId);
  });

  it('ships once when every event is delivered several times', async () => {
    const orderId = `o-${randomUUID()}`;
    for (const step of ['created', 'captured', 'reserved', 'captured', 'created', 'reserved', 'reserved'] as const) await send(orderId, step);
    await eventually(() => created(orderId).length === 1, 5_000, 'the shipment');
    await settle();
    assert.equal(created(orderId).length, 1);
  });

  it('does not ship an order whose payment was not captured', async () => {
    const orderId = `o-${randomUUID()}`;
    await send(orderId, 'created');
    await send(orderId, 'reserved');
    await settle();
    assert.equal(created(orderId).length, 0);
    assert.equal((await getShipment(orderId, admin)).status, 404);
  });

  it('does not ship an order cancelled before its last event, in any order', async () => {
    const orders = permutations<Step>(['created', 'reserved', 'cancelled']).map((steps) => ({ orderId: `o-${randomUUID()}`, steps }));
    const cancelsBefore = await handled('join-order-cancelled');
    for (const { orderId, steps } of orders) for (const step of steps) await send(orderId, step);
    // "Before" must hold for the consumers, not only on the bus: they run concurrently, and a slow
    // cancel (a database server under load) could otherwise be overtaken by the capture sent after it.
    await eventually(async () => (await handled('join-order-cancelled')) >= cancelsBefore + orders.length, 5_000, 'the cancellations to be recorded');
    for (const { orderId } of orders) await send(orderId, 'captured');
    await settle();
    for (const { orderId, steps } of orders) assert.equal(created(orderId).length, 0, [...steps, 'captured'].join('→'));
  });

  it('calls a shipment back when its order is cancelled afterwards, once', async () => {
    const orderId = `o-${randomUUID()}`;
    for (const step of ['created', 'reserved', 'captured'] as const) await send(orderId, step);
    const [shipment] = await eventually(() => created(orderId).length === 1 && created(orderId), 5_000, 'the shipment');
    await send(orderId, 'cancelled');
    await send(orderId, 'cancelled');
    const [callBack] = await eventually(() => cancelled(orderId).length > 0 && cancelled(orderId), 5_000, 'shipment.cancelled.v1');
    assert.deepEqual(callBack!.data, { orderId, shipmentId: shipment!.data.shipmentId, saga: 'choreography' });
    await settle();
    assert.equal(cancelled(orderId).length, 1);
    assert.equal((await getShipment(orderId)).body.status, 'cancelled');
  });

  it('ignores the events of orchestrated orders (they are shipped by command)', async () => {
    const orderId = `o-${randomUUID()}`;
    const saga = 'orchestration' as const;
    await shop.publish(orderCreated, orderId, {
      orderId, userId: alice.sub, items: [{ productId: 'p-mouse', quantity: 1, unitPriceCents: 3900 }], totalCents: 3900, currency: 'EUR',
      payment: { cardToken: 'tok_visa' }, shippingAddress: address, saga,
    });
    await shop.publish(inventoryReserved, orderId, { orderId, items: [{ productId: 'p-mouse', quantity: 1 }], saga });
    await shop.publish(paymentCaptured, orderId, { orderId, amountCents: 3900, currency: 'EUR', saga });
    await settle();
    assert.equal(created(orderId).length, 0);
  });

  it('answers the createShipment command with the same shipment every time', async () => {
    const orderId = `o-${randomUUID()}`;
    const command = () => shop.request('shipping', { method: 'POST', url: '/internal/v1/shipments', body: { orderId, userId: alice.sub, address, saga: 'orchestration' } });
    const [first, second] = await Promise.all([command(), command()]);
    const third = await command();
    assert.equal(first.status, 200);
    assert.equal(first.body.orderId, orderId);
    assert.equal(first.body.status, 'created');
    assert.deepEqual(second.body, first.body);
    assert.deepEqual(third.body, first.body);
    const [event] = await eventually(() => created(orderId).length === 1 && created(orderId), 5_000, 'shipment.created.v1');
    assert.deepEqual(event!.data, { orderId, shipmentId: first.body.id, carrier: first.body.carrier, trackingNumber: first.body.trackingNumber, saga: 'orchestration' });
  });

  it("shows a shipment to its owner and admins, and a 404 to anyone else, as for an unknown order", async () => {
    const orderId = `o-${randomUUID()}`;
    await shop.request('shipping', { method: 'POST', url: '/internal/v1/shipments', body: { orderId, userId: alice.sub, address, saga: 'orchestration' } });
    assert.equal((await getShipment(orderId, alice)).status, 200);
    assert.equal((await getShipment(orderId, admin)).status, 200);
    const hidden = await getShipment(orderId, mallory);
    const unknown = await getShipment(`o-${randomUUID()}`, mallory);
    assert.equal(hidden.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(hidden.body.type, unknown.body.type);
    assert.match(String(hidden.headers['content-type']), /application\/problem\+json/);
    const anonymous = await shop.request('shipping', { method: 'GET', url: `/api/v1/shipments/${orderId}` });
    assert.equal(anonymous.status, 401);
  });
});
