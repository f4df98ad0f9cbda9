import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

describe('observability: traces across HTTP and events, logs, metrics, health', () => {
  let shop: ShopProcess;
  let api: ShopClient;

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
  });
  after(() => shop.stop());

  it("finds the checkout POST's trace id in the logs of every service the saga touched", async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await api.placeOrder(alice, [{ productId: 'p-webcam', quantity: 1 }]);
    const traceId = placed.headers.get('x-trace-id');
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/);
    await api.waitForStatus(alice, placed.body.id, ['SHIPPED']);
    const services = await eventually(async () => {
      const touched = new Set(shop.logs.filter((line) => line.traceId === traceId).map((line) => line.service));
      return ['gateway', 'orders', 'inventory', 'payments', 'shipping'].every((service) => touched.has(service)) ? touched : undefined;
    }, 5_000, 'log lines with the trace id from every service');
    assert.ok(services.has('orders'));
    // The same trace holds the spans of every hop: HTTP in, event out, event in.
    const admin = await api.token('admin@example.com', 'admin-password');
    const trace = await api.request('GET', `/api/v1/admin/traces/${traceId}`, { token: admin });
    const names: string[] = trace.body.spans.map((span: { name: string }) => span.name);
    for (const name of ['gateway.orders.placeOrder', 'orders.placeOrder', 'inventory.consume order.created.v1', 'payments.consume order.created.v1', 'shipping.consume payment.captured.v1', 'orders.consume shipment.created.v1']) {
      assert.ok(names.includes(name), `${name} not in ${names.join(', ')}`);
    }
  });

  it('logs JSON with a level, a service and a message', () => {
    const line = shop.logs.find((entry) => entry.msg === 'event handled');
    assert.ok(line);
    assert.equal(line.level, 'info');
    assert.ok(line.service && line.traceId);
  });

  it('exposes RED metrics per route, call and consumer, breaker state and outbox lag', async () => {
    const metrics = await fetch(`${shop.url}/metrics`).then((response) => response.text());
    for (const series of [
      'agora_http_requests_total{service="orders",method="POST",route="/api/v1/orders",status="202"}',
      'agora_http_requests_total{service="gateway",method="POST",route="/api/v1/orders",status="202"}',
      'agora_http_request_duration_seconds_bucket',
      'agora_calls_total{service="orders",target="catalog",operation="lookupPrices",outcome="ok"}',
      'agora_events_consumed_total{service="inventory",consumer="inventory.reserve-stock",type="order.created.v1",outcome="ok"}',
      'agora_circuit_breaker_state{service="orders",target="catalog"} 0',
      'agora_outbox_pending{service="orders"}',
      'agora_outbox_lag_seconds{service="orders"}',
    ]) {
      assert.ok(metrics.includes(series), `missing ${series}`);
    }
  });

  it('reports liveness and readiness of every service', async () => {
    const health = await api.request('GET', '/healthz');
    assert.equal(health.status, 200);
    const ready = await api.request('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(Object.keys(ready.body.checks).sort(), ['catalog', 'identity', 'inventory', 'orders', 'payments', 'shipping']);
  });
});
