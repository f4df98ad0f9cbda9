import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { catalogLookupStub } from '@agora/catalog/contract/lookup-stub';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { shipmentCreated } from '@agora/shipping/contract/events';
import { inventory } from '../service.ts';
import { sampleStock } from '../storage/seed.ts';

const admin = { sub: 'u-admin', role: 'admin' as const };
const address = { name: 'Alice', line1: 'Main street 1', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' };
type Level = { productId: string; onHand: number; reserved: number; shipped: number };
type Items = Array<{ productId: string; quantity: number }>;

/** The catalog's lookup, knowing the sample products and one more, p-new. */
const { service: catalogStub, lookups } = catalogLookupStub(
  Object.fromEntries(['p-new', ...sampleStock.map(([productId]) => productId)].map((id) => [id, { sku: id.toUpperCase(), name: id, priceCents: 100 }])),
);

describe('inventory', () => {
  let shop: TestSystem;
  /** Stock each product started with plus what admins added: the invariant's left-hand side. */
  const total = new Map<string, number>(sampleStock);

  const stock = async (): Promise<Map<string, Level>> => {
    const response = await shop.request('inventory', { method: 'GET', url: '/api/v1/inventory', principal: admin });
    assert.equal(response.status, 200);
    return new Map(response.body.items.map((level: Level) => [level.productId, level]));
  };
  const placeOrder = (orderId: string, items: Items) =>
    shop.publish(orderCreated, orderId, {
      orderId,
      userId: 'u-alice',
      items: items.map((item) => ({ ...item, unitPriceCents: 100 })),
      totalCents: 100,
      currency: 'EUR',
      payment: { cardToken: 'tok_visa' },
      shippingAddress: address,
      saga: 'choreography',
    });
  const eventFor = (type: string, orderId: string) => eventually(() => shop.events(type).find((event) => event.subject === orderId), 5_000, `${type} for ${orderId}`);
  const eventsFor = (orderId: string) => shop.events('inventory.reserved.v1', 'inventory.rejected.v1', 'inventory.released.v1').filter((event) => event.subject === orderId);
  const reserveCommand = (orderId: string, items: Items) =>
    shop.request('inventory', { method: 'POST', url: '/internal/v1/reservations', body: { orderId, items, saga: 'orchestration' } });
  /** Waits until an order placed after the ones under test is reserved: the consumer got past them. */
  const settle = async () => {
    const marker = `o-marker-${randomUUID()}`;
    await placeOrder(marker, [{ productId: 'p-cable', quantity: 1 }]);
    await eventFor('inventory.reserved.v1', marker);
    await sleep(100);
  };

  before(async () => {
    shop = await startTestSystem([catalogStub, inventory]);
  });
  after(() => shop.stop());

  it('seeds the sample stock with nothing reserved or shipped', async () => {
    const levels = await stock();
    for (const [productId, onHand] of sampleStock) assert.deepEqual(levels.get(productId), { productId, onHand, reserved: 0, shipped: 0 });
  });

  it('reserves a placed order and publishes inventory.reserved.v1 with the merged lines', async () => {
    const before = await stock();
    const orderId = `o-${randomUUID()}`;
    await placeOrder(orderId, [{ productId: 'p-keyboard', quantity: 2 }, { productId: 'p-mouse', quantity: 1 }, { productId: 'p-keyboard', quantity: 1 }]);
    const event = await eventFor('inventory.reserved.v1', orderId);
    assert.deepEqual(event.data, { orderId, items: [{ productId: 'p-keyboard', quantity: 3 }, { productId: 'p-mouse', quantity: 1 }], saga: 'choreography' });
    const after = await stock();
    assert.equal(after.get('p-keyboard')!.onHand, before.get('p-keyboard')!.onHand - 3);
    assert.equal(after.get('p-keyboard')!.reserved, before.get('p-keyboard')!.reserved + 3);
    assert.equal(after.get('p-mouse')!.reserved, before.get('p-mouse')!.reserved + 1);
  });

  it('rejects an order with a sold-out line and moves nothing, even lines that had stock', async () => {
    const before = await stock();
    const soldOut = `o-${randomUUID()}`;
    const mixed = `o-${randomUUID()}`;
    await placeOrder(soldOut, [{ productId: 'p-soldout', quantity: 1 }]);
    // p-headset comes first and has stock: its move must be rolled back with the rest.
    await placeOrder(mixed, [{ productId: 'p-headset', quantity: 2 }, { productId: 'p-soldout', quantity: 1 }]);
    assert.deepEqual((await eventFor('inventory.rejected.v1', soldOut)).data, { orderId: soldOut, reason: 'out-of-stock: p-soldout', saga: 'choreography' });
    assert.deepEqual((await eventFor('inventory.rejected.v1', mixed)).data, { orderId: mixed, reason: 'out-of-stock: p-soldout', saga: 'choreography' });
    assert.deepEqual(await stock(), before);
    assert.equal(eventsFor(mixed).length, 1);
    // Asked again (a command retried by the orchestrator): the same answer, nothing published again.
    const again = await reserveCommand(mixed, [{ productId: 'p-headset', quantity: 2 }, { productId: 'p-soldout', quantity: 1 }]);
    assert.deepEqual(again.body, { orderId: mixed, status: 'rejected', reason: 'out-of-stock: p-soldout' });
  });

  it('rejects a product it has no stock row for', async () => {
    const response = await reserveCommand(`o-${randomUUID()}`, [{ productId: 'p-unknown', quantity: 1 }]);
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'rejected');
    assert.equal(response.body.reason, 'out-of-stock: p-unknown');
  });

  it('gives the stock back when a reserved order is cancelled', async () => {
    const before = await stock();
    const orderId = `o-${randomUUID()}`;
    await placeOrder(orderId, [{ productId: 'p-monitor', quantity: 2 }]);
    await eventFor('inventory.reserved.v1', orderId);
    await shop.publish(orderCancelled, orderId, { orderId, userId: 'u-test', reason: 'payment-declined: card-declined', saga: 'choreography' });
    const released = await eventFor('inventory.released.v1', orderId);
    assert.deepEqual(released.data, { orderId, items: [{ productId: 'p-monitor', quantity: 2 }], saga: 'choreography' });
    assert.deepEqual(await stock(), before);
    // Cancelled twice (a redelivered compensation): released once.
    await shop.publish(orderCancelled, orderId, { orderId, userId: 'u-test', reason: 'again', saga: 'choreography' });
    await settle();
    assert.equal(shop.events('inventory.released.v1').filter((event) => event.subject === orderId).length, 1);
  });

  it('leaves a tombstone when the cancel arrives first, so the late order is never reserved', async () => {
    const before = await stock();
    const orderId = `o-${randomUUID()}`;
    await shop.publish(orderCancelled, orderId, { orderId, userId: 'u-test', reason: 'cancelled-by-customer', saga: 'choreography' });
    await settle();
    await placeOrder(orderId, [{ productId: 'p-webcam', quantity: 1 }]);
    await settle();
    assert.deepEqual(eventsFor(orderId), []);
    assert.equal((await stock()).get('p-webcam')!.onHand, before.get('p-webcam')!.onHand);
    const command = await reserveCommand(orderId, [{ productId: 'p-webcam', quantity: 1 }]);
    assert.deepEqual(command.body, { orderId, status: 'rejected', reason: 'order-cancelled' });
  });

  it('ignores events of orchestrated orders (they arrive as commands)', async () => {
    const orderId = `o-${randomUUID()}`;
    await shop.publish(orderCreated, orderId, {
      orderId, userId: 'u-alice', items: [{ productId: 'p-lamp', quantity: 1, unitPriceCents: 100 }], totalCents: 100, currency: 'EUR',
      payment: { cardToken: 'tok_visa' }, shippingAddress: address, saga: 'orchestration',
    });
    await settle();
    assert.deepEqual(eventsFor(orderId), []);
    const released = await shop.request('inventory', { method: 'POST', url: `/internal/v1/reservations/${orderId}/release`, body: { saga: 'orchestration' } });
    assert.deepEqual(released.body, { orderId, status: 'released', reason: 'order-cancelled' });
  });

  it('never oversells: 20 concurrent reservations of the last 10 items reserve exactly 10', async () => {
    const before = (await stock()).get('p-limited')!;
    assert.equal(before.onHand, 10);
    const answers = await Promise.all(Array.from({ length: 20 }, () => reserveCommand(`o-${randomUUID()}`, [{ productId: 'p-limited', quantity: 1 }])));
    assert.deepEqual(answers.map((answer) => answer.status), Array(20).fill(200));
    assert.equal(answers.filter((answer) => answer.body.status === 'reserved').length, 10);
    assert.equal(answers.filter((answer) => answer.body.status === 'rejected').length, 10);
    assert.deepEqual((await stock()).get('p-limited'), { productId: 'p-limited', onHand: 0, reserved: 10, shipped: 0 });
  });

  it('reserves once when the same command comes twice, even at the same time', async () => {
    const before = (await stock()).get('p-dock')!;
    const orderId = `o-${randomUUID()}`;
    const [first, second] = await Promise.all([reserveCommand(orderId, [{ productId: 'p-dock', quantity: 4 }]), reserveCommand(orderId, [{ productId: 'p-dock', quantity: 4 }])]);
    const third = await reserveCommand(orderId, [{ productId: 'p-dock', quantity: 4 }]);
    for (const answer of [first, second, third]) assert.deepEqual(answer.body, { orderId, status: 'reserved', reason: null });
    assert.equal((await stock()).get('p-dock')!.reserved, before.reserved + 4);
    assert.equal((await eventually(() => eventsFor(orderId).length === 1 && eventsFor(orderId))).length, 1);
  });

  it('moves reserved stock to shipped on shipment.created, once, and back to on_hand if called back', async () => {
    const before = (await stock()).get('p-stand')!;
    const orderId = `o-${randomUUID()}`;
    assert.equal((await reserveCommand(orderId, [{ productId: 'p-stand', quantity: 3 }])).body.status, 'reserved');
    const shipment = { orderId, shipmentId: `s-${randomUUID()}`, carrier: 'DHL', trackingNumber: 'ABCDEF123456', saga: 'orchestration' as const };
    await shop.publish(shipmentCreated, orderId, shipment);
    await shop.publish(shipmentCreated, orderId, shipment);
    const shipped = await eventually(async () => {
      const level = (await stock()).get('p-stand')!;
      return level.shipped === before.shipped + 3 ? level : undefined;
    }, 5_000, 'stock to move to shipped');
    assert.deepEqual(shipped, { productId: 'p-stand', onHand: before.onHand - 3, reserved: before.reserved, shipped: before.shipped + 3 });
    // The order is cancelled after it shipped (the shipment was called back): the stock returns.
    const released = await shop.request('inventory', { method: 'POST', url: `/internal/v1/reservations/${orderId}/release`, body: { saga: 'orchestration' } });
    assert.deepEqual(released.body, { orderId, status: 'released', reason: null });
    assert.deepEqual((await stock()).get('p-stand'), before);
  });

  it('lets only admins set stock; the row is created if missing', async () => {
    const denied = await shop.request('inventory', { method: 'PUT', url: '/api/v1/inventory/p-new', body: { onHand: 5 }, principal: { sub: 'u-alice', role: 'customer' } });
    assert.equal(denied.status, 403);
    const created = await shop.request('inventory', { method: 'PUT', url: '/api/v1/inventory/p-new', body: { onHand: 5 }, principal: admin });
    assert.equal(created.status, 200);
    assert.deepEqual(created.body, { productId: 'p-new', onHand: 5, reserved: 0, shipped: 0 });
    total.set('p-new', 5);
    const lamp = (await stock()).get('p-lamp')!;
    const topped = await shop.request('inventory', { method: 'PUT', url: '/api/v1/inventory/p-lamp', body: { onHand: lamp.onHand + 10 }, principal: admin });
    assert.deepEqual(topped.body, { ...lamp, onHand: lamp.onHand + 10 });
    total.set('p-lamp', total.get('p-lamp')! + 10);
  });

  it('refuses stock for a product the catalog does not have, naming the field, and asks the catalog only about products it never stocked', async () => {
    lookups.length = 0;
    const unknown = await shop.request('inventory', { method: 'PUT', url: '/api/v1/inventory/p-typo', body: { onHand: 5 }, principal: admin });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body.errors, [{ field: 'path/productId', message: 'is not a product in the catalog' }]);
    assert.equal((await stock()).has('p-typo'), false);
    const lamp = (await stock()).get('p-lamp')!;
    assert.equal((await shop.request('inventory', { method: 'PUT', url: '/api/v1/inventory/p-lamp', body: { onHand: lamp.onHand }, principal: admin })).status, 200);
    assert.deepEqual(lookups, [['p-typo']]);
  });

  it('keeps on_hand + reserved + shipped equal to the stock it was given, for every product', async () => {
    await settle();
    const levels = await stock();
    assert.deepEqual([...levels.keys()].sort(), [...total.keys()].sort());
    for (const [productId, level] of levels) {
      assert.equal(level.onHand + level.reserved + level.shipped, total.get(productId), `${productId} conserved`);
      assert.ok(level.onHand >= 0 && level.reserved >= 0 && level.shipped >= 0, `${productId} never negative`);
    }
  });
});
