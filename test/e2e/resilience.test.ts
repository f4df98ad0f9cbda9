import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

function metricValue(metrics: string, series: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(series));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('resilience: circuit breaker with a cached fallback', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;

  before(async () => {
    shop = await launchShop({ BREAKER_THRESHOLD: '3', BREAKER_HALF_OPEN_MS: '1000', CALL_MAX_ATTEMPTS: '2' });
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  it('opens the breaker when the catalog fails, serves cached prices, and closes after recovery', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    // A first checkout while the catalog is healthy fills the price cache.
    const warm = await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }]);
    assert.equal(warm.status, 202);

    await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 0, errorRate: 1 } });
    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }]));
    assert.deepEqual(orders.map((order) => order.status), [202, 202, 202, 202], 'checkouts keep working on cached prices');

    const status = await api.request('GET', '/api/v1/admin/services', { token: admin });
    const ordersStatus = status.body.items.find((item: { service: string }) => item.service === 'orders');
    assert.equal(ordersStatus.breakers.catalog, 'open');
    const metrics = await fetch(`${shop.url}/metrics`).then((response) => response.text());
    assert.equal(metricValue(metrics, 'agora_circuit_breaker_state{service="orders",target="catalog"}'), 1);
    assert.ok(metricValue(metrics, 'agora_fallbacks_total{service="orders",target="catalog",operation="lookupPrices"}') >= 4);
    assert.ok(metricValue(metrics, 'agora_calls_total{service="orders",target="catalog",operation="lookupPrices",outcome="rejected"}') >= 1, 'an open breaker fails fast');

    // The orders priced from the cache still complete.
    for (const order of orders) assert.equal((await api.waitForStatus(alice, order.body.id, ['SHIPPED', 'CANCELLED'])).status, 'SHIPPED');

    await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 0, errorRate: 0 } });
    await eventually(async () => {
      await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }]);
      const now = await api.request('GET', '/api/v1/admin/services', { token: admin });
      return now.body.items.find((item: { service: string }) => item.service === 'orders').breakers.catalog === 'closed';
    }, 10_000, 'breaker to close after the catalog recovers');
  });

  it('answers 503 with Retry-After when a price was never cached and the catalog is down', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 0, errorRate: 1 } });
    try {
      const created = await api.request('POST', '/api/v1/products', { token: admin, body: { sku: 'NEW-1', name: 'New', priceCents: 100, currency: 'EUR' } });
      assert.equal(created.status, 503, 'the catalog itself is failing');
      const before = await api.request('GET', '/api/v1/orders?limit=100', { token: alice });
      const response = await api.placeOrder(alice, [{ productId: 'p-never-seen', quantity: 1 }]);
      assert.equal(response.status, 503);
      assert.ok(response.headers.get('retry-after'));
      const after = await api.request('GET', '/api/v1/orders?limit=100', { token: alice });
      assert.equal(after.body.items.length, before.body.items.length, 'no half-written order');
    } finally {
      await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 0, errorRate: 0 } });
    }
  });
});
