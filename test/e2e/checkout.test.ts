import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, suiteEnv, type ShopProcess } from '../support/shop-process.ts';

describe(`checkout saga (${suiteEnv().SAGA_STYLE})`, () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;
  const placedOrders: string[] = [];
  const stockOf = async (productId: string) => {
    const stock = await api.request('GET', '/api/v1/inventory', { token: admin });
    return stock.body.items.find((item: { productId: string }) => item.productId === productId);
  };

  const track = async (response: Promise<Awaited<ReturnType<ShopClient['placeOrder']>>>) => {
    const placed = await response;
    placedOrders.push(placed.body.id);
    return placed;
  };

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  it('takes a paid, stocked order to SHIPPED and shows it in the details read model', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const before = await stockOf('p-keyboard');
    const placed = await track(api.placeOrder(alice, [{ productId: 'p-keyboard', quantity: 2 }, { productId: 'p-cable', quantity: 1 }]));
    assert.equal(placed.status, 202);
    assert.equal(placed.body.status, 'PENDING');
    assert.equal(placed.headers.get('location'), `/api/v1/orders/${placed.body.id}`);

    const order = await api.waitForStatus(alice, placed.body.id, ['SHIPPED', 'CANCELLED']);
    assert.equal(order.status, 'SHIPPED');
    assert.deepEqual(order.history.map((entry: { status: string }) => entry.status), ['PENDING', 'CONFIRMED', 'SHIPPED']);
    assert.equal(order.totalCents, 2 * 8900 + 1200);

    const details = await eventually(async () => {
      const response = await api.request('GET', `/api/v1/orders/${placed.body.id}/details`, { token: alice });
      return response.body.status === 'SHIPPED' && response.body.shipment ? response.body : undefined;
    }, 5_000, 'details read model to show the shipment');
    assert.equal(details.items.find((item: { productId: string }) => item.productId === 'p-keyboard').productName, 'Mechanical keyboard');
    assert.equal(details.payment.status, 'captured');
    assert.equal(details.payment.amountCents, order.totalCents);
    assert.equal(details.stock, 'reserved');

    const payment = await api.request('GET', `/api/v1/payments/${placed.body.id}`, { token: alice });
    assert.equal(payment.body.status, 'captured');
    const shipment = await api.request('GET', `/api/v1/shipments/${placed.body.id}`, { token: alice });
    assert.equal(shipment.status, 200);
    const after = await eventually(async () => {
      const level = await stockOf('p-keyboard');
      return level.shipped === before.shipped + 2 ? level : undefined;
    }, 5_000, 'stock to move to shipped');
    assert.equal(after.onHand, before.onHand - 2);
    assert.equal(after.reserved, before.reserved);
  });

  it('cancels an out-of-stock order and gives the payment back', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const before = await stockOf('p-keyboard');
    const placed = await track(api.placeOrder(alice, [{ productId: 'p-keyboard', quantity: 1 }, { productId: 'p-soldout', quantity: 1 }]));
    assert.equal(placed.status, 202);
    const order = await api.waitForStatus(alice, placed.body.id, ['CANCELLED', 'SHIPPED']);
    assert.equal(order.status, 'CANCELLED');
    assert.match(order.reason, /out-of-stock/);
    if (suiteEnv().SAGA_STYLE === 'orchestration') {
      // The orchestrator reserves before it charges: the card is never touched.
      const payment = await api.request('GET', `/api/v1/payments/${placed.body.id}`, { token: alice });
      assert.equal(payment.status, 404);
    } else {
      // The charge ran in parallel with the reservation: it is refunded, or voided if the cancel won the race.
      const payment = await eventually(async () => {
        const response = await api.request('GET', `/api/v1/payments/${placed.body.id}`, { token: alice });
        return ['refunded', 'voided'].includes(response.body.status) ? response.body : undefined;
      }, 5_000, 'payment to be refunded');
      assert.equal(payment.capturedCents - payment.refundedCents, 0);
    }
    // Nothing of the order was reserved: all-or-nothing.
    assert.deepEqual(await stockOf('p-keyboard'), before);
  });

  it('cancels an order whose card is declined and releases its stock', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const before = await stockOf('p-mouse');
    const placed = await track(api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 3 }], 'tok_declined'));
    const order = await api.waitForStatus(alice, placed.body.id, ['CANCELLED', 'SHIPPED']);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.reason, 'payment-declined: card-declined');
    const released = await eventually(async () => {
      const level = await stockOf('p-mouse');
      return level.onHand === before.onHand && level.reserved === before.reserved ? level : undefined;
    }, 5_000, 'stock to be released');
    assert.equal(released.shipped, before.shipped);
    const payment = await api.request('GET', `/api/v1/payments/${placed.body.id}`, { token: alice });
    assert.equal(payment.body.capturedCents, 0);
  });

  it('declines a card whose processor is slower than the payment deadline', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await track(api.placeOrder(alice, [{ productId: 'p-lamp', quantity: 1 }], 'tok_slow'));
    const order = await api.waitForStatus(alice, placed.body.id, ['CANCELLED', 'SHIPPED'], 15_000);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.reason, 'payment-declined: processor-timeout');
  });

  it('lets a customer cancel a pending order, once', async () => {
    const bob = await api.newCustomer('Bob');
    const placed = await track(api.placeOrder(bob.token, [{ productId: 'p-stand', quantity: 1 }]));
    const cancelled = await api.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: bob.token });
    if (cancelled.status === 409) {
      // The saga was faster than the cancel: a confirmed order can no longer be cancelled.
      assert.match(cancelled.body.type, /conflict$/);
      return;
    }
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'CANCELLED');
    assert.equal(cancelled.body.reason, 'cancelled-by-customer');
    const again = await api.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: bob.token });
    assert.equal(again.status, 200);
    assert.equal(again.body.history.filter((entry: { status: string }) => entry.status === 'CANCELLED').length, 1);
  });

  it('keeps stock and money consistent across everything above', async () => {
    const orders = await Promise.all(placedOrders.map((id) => api.waitForStatus(admin, id, ['SHIPPED', 'CANCELLED'])));
    const shippedTotal = orders.filter((order) => order.status === 'SHIPPED').reduce((sum, order) => sum + order.totalCents, 0);
    // Refunds and releases are asynchronous: wait until the ledger has settled.
    const ledger = await eventually(async () => {
      const response = await api.request('GET', '/api/v1/admin/ledger', { token: admin });
      return response.body.netCents === shippedTotal ? response.body : undefined;
    }, 5_000, `ledger net to equal ${shippedTotal}`);
    assert.equal(ledger.capturedCents - ledger.refundedCents, shippedTotal);
  });
});
