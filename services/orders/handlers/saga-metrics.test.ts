import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { metrics, type Principal } from '@agora/chassis';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { productChanged } from '@agora/catalog/contract/events';
import { inventoryReserved } from '@agora/inventory/contract/events';
import { paymentCaptured, paymentDeclined } from '@agora/payments/contract/events';
import { shipmentCreated } from '@agora/shipping/contract/events';
import { orders } from '../service.ts';

const alice: Principal = { sub: 'u-alice', role: 'customer' };
const saga = 'choreography' as const;
const checkout = {
  items: [{ productId: 'p-mouse', quantity: 1 }],
  payment: { cardToken: 'tok_visa' },
  shippingAddress: { name: 'Alice', line1: 'Main street 1', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' },
};

/** The saga counter and the duration histogram's count for one outcome, summed over label sets. */
async function ended(outcome: string): Promise<{ completed: number; timed: number }> {
  const completed = (await metrics.sagasCompleted.get()).values.filter((value) => value.labels.outcome === outcome && value.labels.saga === saga);
  const timed = (await metrics.sagaDuration.get()).values.filter((value) => value.metricName === 'agora_saga_duration_seconds_count' && value.labels.outcome === outcome && value.labels.saga === saga);
  const sum = (values: Array<{ value: number }>) => values.reduce((total, value) => total + value.value, 0);
  return { completed: sum(completed), timed: sum(timed) };
}

/** shipment.created deliveries the orders saga consumer has finished with, whatever their outcome. */
async function shipmentDeliveries(): Promise<number> {
  return (await metrics.eventsConsumed.get()).values
    .filter((value) => value.labels.consumer === 'orders.advance-saga' && value.labels.type === shipmentCreated.type && value.labels.outcome !== 'retry')
    .reduce((total, value) => total + value.value, 0);
}

describe('saga metrics', () => {
  let shop: TestSystem;

  const place = async () => {
    const response = await shop.request('orders', { method: 'POST', url: '/api/v1/orders', principal: alice, headers: { 'idempotency-key': randomUUID() }, body: checkout });
    assert.equal(response.status, 202);
    return response.body.id as string;
  };
  const statusOf = async (orderId: string) => (await shop.request('orders', { method: 'GET', url: `/api/v1/orders/${orderId}`, principal: alice })).body.status as string;

  before(async () => {
    // Orders alone: the catalog is away, so checkout prices from the cache product.changed fills.
    shop = await startTestSystem([orders], { env: { SAGA_STYLE: saga } });
    await shop.publish(productChanged, 'p-mouse', { productId: 'p-mouse', sku: 'MOUSE-1', name: 'Mouse', priceCents: 3900, currency: 'EUR', change: 'created' });
    const cached = async () => (await metrics.eventsConsumed.get()).values.some((value) => value.labels.consumer === 'orders.refresh-price-cache' && value.labels.outcome === 'ok');
    await eventually(cached, 5_000, 'the price cache to know p-mouse');
  });
  after(() => shop.stop());

  it('counts and times a saga once when its order ships, however often the last event arrives', async () => {
    const start = await ended('shipped');
    const deliveries = await shipmentDeliveries();
    const orderId = await place();
    await shop.publish(inventoryReserved, orderId, { orderId, items: [{ productId: 'p-mouse', quantity: 1 }], saga });
    await shop.publish(paymentCaptured, orderId, { orderId, amountCents: 3900, currency: 'EUR', saga });
    const shipped = { orderId, shipmentId: `s-${randomUUID()}`, carrier: 'DHL', trackingNumber: 'ABCDEF123456', saga };
    await shop.publish(shipmentCreated, orderId, shipped);
    await shop.publish(shipmentCreated, orderId, shipped);
    await eventually(async () => (await statusOf(orderId)) === 'SHIPPED', 5_000, 'the order to ship');
    // The redelivered shipment.created changes nothing and must not count again.
    await eventually(async () => (await shipmentDeliveries()) >= deliveries + 2, 5_000, 'both deliveries to be handled');
    assert.deepEqual(await ended('shipped'), { completed: start.completed + 1, timed: start.timed + 1 });
  });

  it('counts a declined payment as a cancelled saga and a customer cancel apart from it', async () => {
    const cancelled = await ended('cancelled');
    const declinedOrder = await place();
    await shop.publish(paymentDeclined, declinedOrder, { orderId: declinedOrder, reason: 'card-declined', saga });
    await eventually(async () => (await ended('cancelled')).completed === cancelled.completed + 1, 5_000, 'the cancelled saga to be counted');

    const byCustomer = await ended('cancelled-by-customer');
    const withdrawn = await place();
    const cancel = () => shop.request('orders', { method: 'POST', url: `/api/v1/orders/${withdrawn}/cancel`, principal: alice });
    assert.equal((await cancel()).status, 200);
    assert.equal((await cancel()).status, 200);
    assert.deepEqual(await ended('cancelled-by-customer'), { completed: byCustomer.completed + 1, timed: byCustomer.timed + 1 });
    assert.equal((await ended('cancelled')).completed, cancelled.completed + 1);
  });
});
