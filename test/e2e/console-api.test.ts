import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiveTick } from '@agora/gateway/console-contract';
import { orderCreated } from '@agora/orders/contract/events';
import { services } from '../../topology.ts';
import { ShopClient, eventually } from '../support/client.ts';
import { watchLive } from '../support/live-stream.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

const edgeCount = (ticks: LiveTick[], id: string) => ticks.reduce((sum, tick) => sum + (tick.edges.find((edge) => edge.id === id)?.count ?? 0), 0);

describe('console API: the running topology as a graph, and live flow along its edges', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  it('is for admins only: 401 without a token, 403 for a customer', async () => {
    const customer = await api.token('alice@example.com', 'alice-password');
    for (const path of ['/api/v1/admin/topology', '/api/v1/admin/live']) {
      assert.equal((await api.request('GET', path)).status, 401, path);
      assert.equal((await api.request('GET', path, { token: customer })).status, 403, path);
    }
  });

  it('draws every service with its database, the bus, the gateway, and the calls and events they declare', async () => {
    const { status, body } = await api.request('GET', '/api/v1/admin/topology', { token: admin });
    assert.equal(status, 200);
    const node = (id: string) => body.nodes.find((candidate: { id: string }) => candidate.id === id);
    const edge = (from: string, to: string, kind: string, label?: string) =>
      body.edges.find((candidate: { from: string; to: string; kind: string; label: string }) => candidate.from === from && candidate.to === to && candidate.kind === kind && (label === undefined || candidate.label === label));

    assert.equal(node('gateway')?.kind, 'gateway');
    assert.equal(node('bus')?.kind, 'bus');
    assert.ok(node('bus').engine, 'the bus names its engine');
    for (const service of services) {
      const serviceNode = node(service.name);
      assert.equal(serviceNode?.kind, 'service', service.name);
      assert.ok(serviceNode.instances.length >= 1 && serviceNode.instances.every((instance: { ready: boolean; version: string }) => instance.ready && instance.version), `${service.name} has ready instances`);
      const database = body.nodes.find((candidate: { kind: string; id: string }) => candidate.kind === 'database' && edge(service.name, candidate.id, 'storage'));
      assert.ok(database?.engine, `${service.name} has its own database`);
      assert.ok(edge('gateway', service.name, 'call'), `gateway → ${service.name}`);
      for (const type of service.publishes.map((event) => event.type)) assert.ok(edge(service.name, 'bus', 'event', type), `${service.name} → bus: ${type}`);
    }
    assert.ok(edge('orders', 'catalog', 'call'), 'orders → catalog (dependsOn)');
    for (const consumer of ['inventory', 'payments']) {
      assert.ok(edge('orders', 'bus', 'event', orderCreated.type) && edge('bus', consumer, 'event', orderCreated.type), `${orderCreated.type}: orders → bus → ${consumer}`);
    }
  });

  it('streams per-edge counts and the traces of finished requests while a checkout runs', async () => {
    const live = watchLive<LiveTick>(shop.url, admin);
    try {
      await eventually(async () => live.ticks.length > 0, 10_000, 'a first tick');
      const alice = await api.token('alice@example.com', 'alice-password');
      const placed = await api.placeOrder(alice, [{ productId: 'p-webcam', quantity: 1 }]);
      assert.equal(placed.status, 202);
      const traceId = placed.headers.get('x-trace-id');
      await api.waitForStatus(alice, placed.body.id, ['SHIPPED']);

      await eventually(async () => edgeCount(live.ticks, 'call:gateway->orders') > 0, 10_000, 'requests on gateway → orders');
      await eventually(async () => edgeCount(live.ticks, `event:orders->bus:${orderCreated.type}`) > 0 && edgeCount(live.ticks, `event:bus->inventory:${orderCreated.type}`) > 0, 10_000, `${orderCreated.type} on its event edges`);
      const trace = await eventually(async () => live.ticks.flatMap((tick) => tick.traces).find((candidate) => candidate.id === traceId), 10_000, 'the checkout trace');
      assert.equal(trace.edge, 'call:gateway->orders');
      assert.equal(trace.route, 'POST /api/v1/orders');

      const busy = live.ticks.find((tick) => (tick.edges.find((edge) => edge.id === 'call:gateway->orders')?.count ?? 0) > 0)!;
      assert.ok(busy.intervalMs > 0 && busy.edges.every((edge) => edge.rate >= 0));
      assert.equal(busy.breakers['call:orders->catalog'], 'closed');
      assert.equal(typeof busy.outbox.orders, 'number');
      assert.ok(live.comments.includes('connected'));
    } finally {
      await live.close();
    }
  });

  it('ends open streams when the shop stops, and stops in time', async () => {
    const live = watchLive<LiveTick>(shop.url, admin);
    await eventually(async () => live.ticks.length > 0, 10_000, 'a first tick');
    const code = await shop.kill('SIGTERM');
    await live.ended;
    assert.equal(code, 0);
    assert.equal(shop.logs.some((line) => line.msg === 'graceful shutdown timed out'), false);
  });
});
