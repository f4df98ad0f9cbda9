import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop } from '../support/shop-process.ts';

type Level = { productId: string; onHand: number; reserved: number; shipped: number };

async function stockLevels(api: ShopClient, admin: string): Promise<Map<string, Level>> {
  const response = await api.request('GET', '/api/v1/inventory', { token: admin });
  return new Map(response.body.items.map((level: Level) => [level.productId, level]));
}

const mix = [
  { items: [{ productId: 'p-keyboard', quantity: 1 }], card: 'tok_visa' },
  { items: [{ productId: 'p-mouse', quantity: 2 }, { productId: 'p-cable', quantity: 1 }], card: 'tok_visa' },
  { items: [{ productId: 'p-headset', quantity: 1 }], card: 'tok_declined' },
  { items: [{ productId: 'p-cable', quantity: 1 }, { productId: 'p-soldout', quantity: 1 }], card: 'tok_visa' },
  { items: [{ productId: 'p-limited', quantity: 1 }], card: 'tok_visa' },
];

describe('durability: SIGKILL in the middle of sagas', () => {
  it('finishes every acknowledged order after a restart, applying every effect once', async () => {
    let shop = await launchShop();
    const dataDir = shop.dataDir;
    try {
      let api = new ShopClient(shop.url);
      const admin = await api.token('admin@example.com', 'admin-password');
      const initial = await stockLevels(api, admin);
      const customers = await Promise.all(Array.from({ length: 5 }, (_, i) => api.newCustomer(`Buyer${i}`)));

      // 60 checkouts in flight at once; every 202 is a promise the shop must keep.
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          const order = mix[i % mix.length]!;
          return api.placeOrder(customers[i % customers.length]!.token, order.items, order.card).then((response) => ({ response, order, customer: customers[i % customers.length]! }));
        }),
      );
      const acknowledged = answers.filter((answer) => answer.response.status === 202);
      assert.deepEqual(answers.filter((answer) => answer.response.status !== 202).map((answer) => answer.response.body), [], 'every checkout accepted');
      assert.equal(await shop.kill('SIGKILL'), null);

      shop = await launchShop({}, dataDir);
      api = new ShopClient(shop.url);
      const adminAfter = await api.token('admin@example.com', 'admin-password');
      const finals = await Promise.all(acknowledged.map((answer) => api.waitForStatus(answer.customer.token, answer.response.body.id, ['SHIPPED', 'CANCELLED'], 30_000)));
      assert.equal(finals.length, 60, 'no acknowledged order lost');

      // Stock: nothing created or destroyed, nothing left reserved, shipped = what shipped orders hold.
      const shippedQuantity = new Map<string, number>();
      for (const order of finals.filter((order) => order.status === 'SHIPPED')) {
        for (const line of order.items) shippedQuantity.set(line.productId, (shippedQuantity.get(line.productId) ?? 0) + line.quantity);
      }
      const levels = await eventually(async () => {
        const now = await stockLevels(api, adminAfter);
        const settled = [...now.values()].every((level) => level.reserved === initial.get(level.productId)!.reserved);
        return settled ? now : undefined;
      }, 10_000, 'every reservation to be shipped or released');
      for (const [productId, level] of levels) {
        const before = initial.get(productId)!;
        assert.equal(level.onHand + level.reserved + level.shipped, before.onHand + before.reserved + before.shipped, `${productId} conserved`);
        assert.equal(level.shipped - before.shipped, shippedQuantity.get(productId) ?? 0, `${productId} shipped once per shipped order`);
        assert.ok(level.onHand >= 0);
      }

      // Money: captured − refunded = value of shipped orders; each shipped order has one shipment.
      const shippedTotal = finals.filter((order) => order.status === 'SHIPPED').reduce((sum, order) => sum + order.totalCents, 0);
      const ledger = await eventually(async () => {
        const response = await api.request('GET', '/api/v1/admin/ledger', { token: adminAfter });
        return response.body.netCents === shippedTotal ? response.body : undefined;
      }, 10_000, `ledger net ${shippedTotal}`);
      assert.equal(ledger.capturedCents - ledger.refundedCents, shippedTotal);
      for (const answer of acknowledged) {
        const order = finals.find((candidate) => candidate.id === answer.response.body.id)!;
        const shipment = await api.request('GET', `/api/v1/shipments/${order.id}`, { token: answer.customer.token });
        assert.equal(shipment.status === 200 && shipment.body.status === 'created', order.status === 'SHIPPED', `${order.id} ${order.status} shipment ${shipment.status}`);
      }
      const deadLetters = await Promise.all(['orders', 'inventory', 'payments', 'shipping'].map((service) => api.request('GET', `/api/v1/admin/services/${service}/dead-letters`, { token: adminAfter })));
      assert.deepEqual(deadLetters.map((response) => response.body.items.length), [0, 0, 0, 0]);
    } finally {
      await shop.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
