import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SERVICE_TOKEN_HEADER, ServiceTokens } from '@agora/chassis/split';
import { catalogApi } from '@agora/catalog/contract/api';
import { productChanged } from '@agora/catalog/contract/events';
import type { LiveTick, SagaStep, SagaTimeline as Saga } from '@agora/gateway/console-contract';
import { services } from '../../topology.ts';
import { ShopClient, eventually } from '../support/client.ts';
import { watchLive } from '../support/live-stream.ts';
import { launchShop, suiteEnv, type ShopProcess } from '../support/shop-process.ts';

const stepIndex = (saga: Saga, service: string, kind: SagaStep['kind'], type: string) => saga.steps.findIndex((step) => step.service === service && step.kind === kind && step.type === type);

describe('console insight: per-service RED, contracts, AsyncAPI, logs, orders and sagas', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;
  let alice: string;

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
    alice = await api.token('alice@example.com', 'alice-password');
  });
  after(() => shop.stop());

  const saga = async (orderId: string): Promise<Saga> => {
    const response = await api.request('GET', `/api/v1/admin/orders/${orderId}/saga`, { token: admin });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as Saga;
  };

  it('is for admins only: 401 without a token, 403 for a customer', async () => {
    for (const path of ['/api/v1/admin/services/catalog/contract', '/api/v1/admin/services/orders/logs', '/api/v1/admin/orders', '/api/v1/admin/orders/o-x/saga']) {
      assert.equal((await api.request('GET', path)).status, 401, path);
      assert.equal((await api.request('GET', path, { token: alice })).status, 403, path);
    }
  });

  it('streams each service’s requests, 5xx and latency in the live ticks, rising with requests', async () => {
    const live = watchLive<LiveTick>(shop.url, admin);
    try {
      await eventually(async () => live.ticks.length > 0, 10_000, 'a first tick');
      const from = live.ticks.length;
      // Distinct URLs, so a shared read cache (split topology) sends each one to catalog.
      for (let limit = 1; limit <= 10; limit++) assert.equal((await api.request('GET', `/api/v1/products?limit=${limit}`)).status, 200);
      const faults = (errorRate: number) => api.request('PUT', '/api/v1/admin/services/shipping/faults', { token: admin, body: { latencyMs: 0, errorRate } });
      assert.equal((await faults(1)).status, 200);
      try {
        for (let attempt = 0; attempt < 5; attempt++) assert.equal((await api.request('GET', '/api/v1/shipments/o-none', { token: alice })).status, 503);
      } finally {
        await faults(0);
      }
      const served = (service: string) => live.ticks.slice(from).reduce((sum, tick) => sum + ((tick.services[service]?.rate ?? 0) * tick.intervalMs) / 1000, 0);
      const errors = (service: string) => live.ticks.slice(from).reduce((sum, tick) => sum + (tick.services[service]?.errors ?? 0), 0);
      // The gateway's answer ends after the service's, so its count may land a tick later.
      await eventually(async () => served('catalog') >= 9.5 && errors('shipping') >= 5 && errors('gateway') >= 5 && served('gateway') >= 14.5, 10_000, 'catalog requests, shipping 5xx and the gateway’s answers in the ticks');
      const busy = live.ticks.slice(from).find((tick) => (tick.services.catalog?.rate ?? 0) > 0)!;
      assert.ok(busy.services.catalog!.meanMs > 0 && busy.services.catalog!.p99Ms > 0, JSON.stringify(busy.services.catalog));
      for (const service of services) assert.ok(live.ticks.slice(from).some((tick) => tick.services[service.name]), `${service.name} has a line, idle or not`);
    } finally {
      await live.close();
    }
  });

  it('shows a good order’s saga: placed → reserved and captured → shipped, from the services that did it', async () => {
    const placed = await api.placeOrder(alice, [{ productId: 'p-webcam', quantity: 1 }]);
    assert.equal(placed.status, 202);
    const orderId = placed.body.id as string;
    await api.waitForStatus(alice, orderId, ['SHIPPED']);
    // SHIPPED is written by the last event orders handles; every step before it is in its store.
    const timeline = await eventually(async () => {
      const answer = await saga(orderId);
      return stepIndex(answer, 'orders', 'status', 'SHIPPED') >= 0 && stepIndex(answer, 'shipping', 'published', 'shipment.created.v1') >= 0 ? answer : undefined;
    }, 10_000, 'the shipped saga');
    assert.equal(timeline.orderId, orderId);
    assert.equal(timeline.status, 'SHIPPED');
    assert.equal(timeline.saga, suiteEnv().SAGA_STYLE);
    assert.equal(timeline.traceId, placed.headers.get('x-trace-id'));

    const created = stepIndex(timeline, 'orders', 'published', 'order.created.v1');
    const reserved = stepIndex(timeline, 'inventory', 'published', 'inventory.reserved.v1');
    const captured = stepIndex(timeline, 'payments', 'published', 'payment.captured.v1');
    const shipment = stepIndex(timeline, 'shipping', 'published', 'shipment.created.v1');
    const shipped = stepIndex(timeline, 'orders', 'status', 'SHIPPED');
    assert.ok([created, reserved, captured, shipment, shipped].every((index) => index >= 0), JSON.stringify(timeline.steps));
    assert.ok(created < reserved && created < captured, 'placed before reserved and captured');
    assert.ok(reserved < shipment && captured < shipment && shipment < shipped, 'reserved and captured before the shipment, shipped last');
    assert.equal(stepIndex(timeline, 'orders', 'status', 'PENDING'), 0);
    assert.ok(timeline.steps.every((step) => !step.compensation), 'nothing compensated');
    const sorted = timeline.steps.map((step) => Date.parse(step.at));
    assert.deepEqual(sorted, [...sorted].sort((a, b) => a - b), 'sorted by time');
    const handled = timeline.steps.find((step) => step.kind === 'handled' && step.service === 'inventory' && step.type === 'order.created.v1');
    assert.ok(handled?.consumer?.startsWith('inventory.') && (handled.attempts ?? 0) >= 1, JSON.stringify(handled));

    const listed = await api.request('GET', '/api/v1/admin/orders?limit=5', { token: admin });
    assert.equal(listed.status, 200);
    const mine = listed.body.items.find((item: { id: string }) => item.id === orderId);
    assert.ok(mine, 'the newest orders include it');
    assert.deepEqual({ status: mine.status, currency: mine.currency }, { status: 'SHIPPED', currency: 'EUR' });
    assert.ok(mine.userId && mine.totalCents > 0);

    // The same trace in more than one service's logs, every line carrying it.
    const traceId = timeline.traceId!;
    const withLines: string[] = [];
    for (const service of ['orders', 'inventory', 'payments', 'shipping']) {
      const logs = await api.request('GET', `/api/v1/admin/services/${service}/logs?traceId=${traceId}&limit=500`, { token: admin });
      assert.equal(logs.status, 200);
      assert.ok(logs.body.items.every((line: { traceId: string; service: string }) => line.traceId === traceId && line.service === service), service);
      if (logs.body.items.length > 0) withLines.push(service);
    }
    assert.ok(withLines.length >= 2, `lines of the checkout trace from ${withLines.join(', ')}`);
  });

  it('shows a declined order’s compensation and its cancellation', async () => {
    const placed = await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }], 'tok_declined');
    assert.equal(placed.status, 202);
    const orderId = placed.body.id as string;
    await api.waitForStatus(alice, orderId, ['CANCELLED']);
    const timeline = await eventually(async () => {
      const answer = await saga(orderId);
      // Reserved stock is released; a cancellation that reached inventory before the order did leaves nothing to release.
      if (stepIndex(answer, 'inventory', 'published', 'inventory.reserved.v1') >= 0) return stepIndex(answer, 'inventory', 'published', 'inventory.released.v1') >= 0 ? answer : undefined;
      return stepIndex(answer, 'inventory', 'handled', 'order.cancelled.v1') >= 0 ? answer : undefined;
    }, 10_000, 'the compensated saga');
    assert.equal(timeline.status, 'CANCELLED');
    const cancelled = timeline.steps[stepIndex(timeline, 'orders', 'status', 'CANCELLED')]!;
    assert.equal(cancelled.compensation, true);
    assert.match(cancelled.detail ?? '', /payment-declined/);
    assert.ok(stepIndex(timeline, 'payments', 'published', 'payment.declined.v1') >= 0);
    const released = stepIndex(timeline, 'inventory', 'published', 'inventory.released.v1');
    if (released >= 0) {
      assert.equal(timeline.steps[released]!.compensation, true);
      assert.ok(released > stepIndex(timeline, 'inventory', 'published', 'inventory.reserved.v1'), 'released after it was reserved');
    }
    assert.ok(timeline.steps.some((step) => step.compensation && step.kind === 'published' && step.service === (released >= 0 ? 'inventory' : 'orders')));
    assert.equal(timeline.steps.some((step) => step.type === 'shipment.created.v1'), false);
  });

  it('answers 404 problem+json for an unknown order', async () => {
    const response = await api.request('GET', '/api/v1/admin/orders/o-unknown/saga', { token: admin });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('refuses a bad trace id or limit on the logs route with a problem naming the field', async () => {
    const field = async (query: string) => {
      const response = await api.request('GET', `/api/v1/admin/services/orders/logs?${query}`, { token: admin });
      assert.equal(response.status, 400, query);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      return response.body.errors.map((error: { field: string }) => error.field);
    };
    assert.deepEqual(await field('traceId=NOT-A-TRACE'), ['querystring/traceId']);
    assert.deepEqual(await field('limit=0'), ['querystring/limit']);
    assert.deepEqual(await field('limit=501'), ['querystring/limit']);
    assert.equal((await api.request('GET', '/api/v1/admin/services/nosuch/logs', { token: admin })).status, 404);
    const recent = await api.request('GET', '/api/v1/admin/services/catalog/logs?limit=3', { token: admin });
    assert.equal(recent.status, 200);
    assert.ok(recent.body.items.length <= 3);
  });

  it("lists a service's contract: API version, routes with access, published events", async () => {
    const response = await api.request('GET', '/api/v1/admin/services/catalog/contract', { token: admin });
    assert.equal(response.status, 200);
    const contract = response.body;
    assert.equal(contract.service, 'catalog');
    assert.equal(contract.version, catalogApi.version);
    const expected = Object.entries(catalogApi.routes).filter(([, route]) => route.access !== 'internal');
    assert.deepEqual(
      contract.routes.map((route: { operation: string; method: string; path: string; access: string }) => `${route.operation} ${route.method} ${route.path} ${route.access}`).sort(),
      expected.map(([operation, route]) => `${operation} ${route.method} ${route.path} ${route.access}`).sort(),
    );
    assert.equal(contract.routes.find((route: { operation: string }) => route.operation === 'getProduct')?.deprecated, true);
    assert.deepEqual(contract.publishes, [{ type: productChanged.type, description: productChanged.description }]);
    assert.ok(Array.isArray(contract.consumes));
    assert.deepEqual([contract.openApi, contract.asyncApi], ['/openapi.json', '/asyncapi.json']);
    assert.equal((await api.request('GET', '/api/v1/admin/services/nosuch/contract', { token: admin })).status, 404);
  });

  it('publishes an AsyncAPI 3.0 document of every event, its producer and its consumers', async () => {
    const response = await api.request('GET', '/asyncapi.json');
    assert.equal(response.status, 200);
    const document = response.body;
    assert.equal(document.asyncapi, '3.0.0');
    assert.ok(document.info?.title && document.info?.version);
    const operations = Object.values(document.operations) as Array<{ action: string; channel: { $ref: string }; 'x-service': string }>;
    const has = (action: string, service: string, type: string) => operations.some((operation) => operation.action === action && operation['x-service'] === service && operation.channel.$ref === `#/channels/${type}`);
    for (const service of services) {
      for (const event of service.publishes) {
        assert.ok(document.channels[event.type], `channel ${event.type}`);
        assert.deepEqual(document.components.messages[event.type].payload, JSON.parse(JSON.stringify(event.schema)), `payload of ${event.type}`);
        assert.ok(has('send', service.name, event.type), `${service.name} sends ${event.type}`);
      }
    }
    // Every consumer the running services report is a receive operation.
    const status = await api.request('GET', '/api/v1/admin/services', { token: admin });
    for (const item of status.body.items as Array<{ service: string; consumers: string[] }>) {
      for (const type of item.consumers) assert.ok(has('receive', item.service, type), `${item.service} receives ${type}`);
    }
    assert.ok(has('receive', 'inventory', 'order.created.v1'));

    // Each service process serves its own (split topology: where an instance has a URL of its own).
    const topology = await api.request('GET', '/api/v1/admin/topology', { token: admin });
    const urls = (topology.body.nodes.find((node: { id: string }) => node.id === 'catalog').instances as Array<{ url?: string }>).flatMap((instance) => (instance.url ? [instance.url] : []));
    assert.equal(urls.length > 0, suiteEnv().AGORA_TOPOLOGY !== 'embedded');
    for (const url of urls) {
      // A service port answers only other services: ask the way one would, with a service token
      // signed by the shop's key (the supervisor keeps it in its data folder).
      assert.equal((await fetch(`${url}/asyncapi.json`)).status, 401);
      const { SERVICE_TOKEN_KEY: key } = JSON.parse(readFileSync(join(shop.dataDir, 'connections.json'), 'utf8')) as { SERVICE_TOKEN_KEY: string };
      const token = await new ServiceTokens({ key }).token('gateway', 'catalog');
      const own = (await (await fetch(`${url}/asyncapi.json`, { headers: { [SERVICE_TOKEN_HEADER]: token } })).json()) as { operations: Record<string, { action: string }> };
      assert.deepEqual(Object.keys(own.operations).filter((name) => own.operations[name]!.action === 'send'), [`catalog.send.${productChanged.type}`]);
    }
  });
});
