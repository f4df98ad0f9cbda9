import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { productChanged } from '@agora/catalog/contract/events';
import { orders } from '../service.ts';

const admin = { sub: 'u-admin', role: 'admin' as const };
const address = { name: 'Alice', line1: 'Main street 1', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' };

describe('orders for operators', () => {
  let shop: TestSystem;
  const place = async (userId: string, productId: string) => {
    const key = randomUUID();
    // Priced from the cache product.changed.v1 fills (no catalog here): retried until it has arrived.
    const response = await eventually(async () => {
      const answer = await shop.request('orders', {
        method: 'POST',
        url: '/api/v1/orders',
        principal: { sub: userId, role: 'customer' },
        headers: { 'idempotency-key': key },
        body: { items: [{ productId, quantity: 1 }], payment: { cardToken: 'tok_visa' }, shippingAddress: address },
      });
      return answer.status === 503 ? undefined : answer;
    }, 5_000, `order of ${productId}`);
    assert.equal(response.status, 202);
    // Orders placed one after the other get distinct creation times, so "newest first" is one order.
    await sleep(2);
    return response.body.id as string;
  };

  before(async () => {
    // Only orders runs: no participant takes the saga further, and prices come from orders' cache.
    shop = await startTestSystem([orders]);
    for (const [productId, priceCents] of [['p-keyboard', 8900], ['p-mouse', 3900], ['p-webcam', 5900]] as const) {
      await shop.publish(productChanged, productId, { productId, sku: productId, name: productId, priceCents, currency: 'EUR', change: 'created' });
    }
  });
  after(() => shop.stop());

  it("lists every user's orders, newest first, with their owner", async () => {
    const first = await place('u-ann', 'p-keyboard');
    const second = await place('u-bob', 'p-mouse');
    const third = await place('u-ann', 'p-webcam');
    const response = await shop.request('orders', { method: 'GET', url: '/api/v1/admin/orders?limit=3', principal: admin });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.items.map((item: { id: string }) => item.id), [third, second, first]);
    const [newest] = response.body.items;
    assert.equal(newest.userId, 'u-ann');
    assert.equal(newest.totalCents, 5900);
    assert.equal(newest.currency, 'EUR');
    assert.match(newest.status, /^(PENDING|CONFIRMED|SHIPPED|CANCELLED)$/);
    assert.ok(!Number.isNaN(Date.parse(newest.createdAt)));
  });

  it('keeps to the limit', async () => {
    const response = await shop.request('orders', { method: 'GET', url: '/api/v1/admin/orders?limit=1', principal: admin });
    assert.equal(response.body.items.length, 1);
  });

  it('is for admins only: a customer gets 403, no principal 401', async () => {
    assert.equal((await shop.request('orders', { method: 'GET', url: '/api/v1/admin/orders', principal: { sub: 'u-ann', role: 'customer' } })).status, 403);
    assert.equal((await shop.request('orders', { method: 'GET', url: '/api/v1/admin/orders' })).status, 401);
  });

  it('refuses a limit out of range with a problem naming it', async () => {
    const response = await shop.request('orders', { method: 'GET', url: '/api/v1/admin/orders?limit=101', principal: admin });
    assert.equal(response.status, 400);
    assert.ok(response.body.errors.some((error: { field: string }) => error.field === 'querystring/limit'));
  });
});
