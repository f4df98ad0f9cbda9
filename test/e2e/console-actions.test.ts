import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { SHOPPER_PASSWORD, shopperEmail, type TrafficStatus } from '@agora/gateway/traffic';
import { ShopClient, eventually } from '../support/client.ts';
import { watchLive } from '../support/live-stream.ts';
import { launchShop, suiteEnv, type ShopProcess } from '../support/shop-process.ts';

const split = suiteEnv().AGORA_TOPOLOGY !== 'embedded';
const total = (status: TrafficStatus, field: 'ok' | 'failed') => Object.values(status.counts).reduce((sum, outcome) => sum + outcome[field], 0);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The first live tick of `/api/v1/admin/live` that passes `check`, within 10 s. */
async function liveTick(url: string, token: string, check: (tick: any) => boolean): Promise<any> {
  const live = watchLive(url, token);
  try {
    return await eventually(async () => live.ticks.find(check), 10_000, 'a matching live tick');
  } finally {
    await live.close();
  }
}

describe('console actions: the traffic generator, and stopping and starting services', () => {
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

  const instancePids = async (service: string): Promise<number[]> => {
    const { body } = await api.request('GET', '/api/v1/admin/topology', { token: admin });
    const node = body.nodes.find((candidate: { id: string }) => candidate.id === service);
    return (node?.instances ?? []).map((instance: { pid?: number }) => instance.pid).filter((pid: number | undefined) => pid !== undefined);
  };
  const serviceItem = async (service: string) => (await api.request('GET', '/api/v1/admin/services', { token: admin })).body.items.find((item: { service: string }) => item.service === service);

  it('is for admins only: 401 without a token, 403 for a customer, and nothing changes', async () => {
    const actions: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/admin/traffic'],
      ['PUT', '/api/v1/admin/traffic', { rate: 5 }],
      ['DELETE', '/api/v1/admin/traffic'],
      ['POST', '/api/v1/admin/services/catalog/stop'],
      ['POST', '/api/v1/admin/services/catalog/start'],
      ['PUT', '/api/v1/admin/services/catalog/faults', { latencyMs: 0, errorRate: 1 }],
    ];
    for (const [method, path, body] of actions) {
      assert.equal((await api.request(method, path, { body })).status, 401, `${method} ${path}`);
      const refused = await api.request(method, path, { body, token: alice });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.match(refused.headers.get('content-type') ?? '', /problem\+json/);
    }
    assert.equal((await api.request('GET', '/api/v1/admin/traffic', { token: admin })).body.running, false);
    const catalog = await serviceItem('catalog');
    assert.deepEqual({ stopped: catalog.stopped, ready: catalog.ready, errorRate: catalog.faults.errorRate }, { stopped: false, ready: true, errorRate: 0 });
  });

  it('refuses a rate outside 1..200 naming the field, and an unknown service with 404', async () => {
    for (const body of [{ rate: 0 }, { rate: 201 }, { rate: 'fast' }, { rate: 2.5 }]) {
      const refused = await api.request('PUT', '/api/v1/admin/traffic', { token: admin, body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.ok(refused.body.errors.some((error: { field: string }) => /rate/.test(error.field)), JSON.stringify(refused.body));
    }
    assert.equal((await api.request('POST', '/api/v1/admin/services/warehouse/stop', { token: admin })).status, 404);
    assert.equal((await api.request('POST', '/api/v1/admin/services/warehouse/start', { token: admin })).status, 404);
  });

  it('generates traffic with PUT: product reads and orders happen, low stock is topped up; DELETE stops it', async () => {
    assert.equal((await api.request('PUT', '/api/v1/inventory/p-cable', { token: admin, body: { onHand: 3 } })).status, 200);
    const started = await api.request('PUT', '/api/v1/admin/traffic', { token: admin, body: { rate: 20 } });
    assert.equal(started.status, 200);
    assert.equal(started.body.running, true);
    assert.equal(started.body.rate, 20);

    const busy = await eventually(async () => {
      const { body } = await api.request('GET', '/api/v1/admin/traffic', { token: admin });
      return body.counts.browse.ok > 5 && body.counts.checkout.ok > 2 ? (body as TrafficStatus) : undefined;
    }, 30_000, 'product reads and checkouts by the generator');
    assert.equal(busy.running, true);
    // The run restocks as the admin who started it: p-cable ran low, the sold-out product stays sold out.
    await eventually(async () => ((await api.request('GET', '/api/v1/admin/traffic', { token: admin })).body as TrafficStatus).restocked >= 1, 10_000, 'a restock');
    const levels = new Map((await api.request('GET', '/api/v1/inventory', { token: admin })).body.items.map((level: { productId: string }) => [level.productId, level]));
    const cable = levels.get('p-cable') as { onHand: number; reserved: number; shipped: number };
    assert.ok(cable.onHand + cable.reserved + cable.shipped >= 100, `p-cable topped up to 100: ${JSON.stringify(cable)}`);
    assert.equal((levels.get('p-soldout') as { onHand: number }).onHand, 0);
    const tick = await liveTick(shop.url, admin, (candidate) => candidate.traffic?.running === true);
    assert.deepEqual(tick.stopped, []);

    const stopped = await api.request('DELETE', '/api/v1/admin/traffic', { token: admin });
    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.running, false);
    const final = stopped.body as TrafficStatus;
    assert.ok(total(final, 'ok') >= total(busy, 'ok'));
    await sleep(1_500);
    const later = (await api.request('GET', '/api/v1/admin/traffic', { token: admin })).body as TrafficStatus;
    assert.deepEqual(later.counts, final.counts, 'counts stop rising once stopped');

    // The orders are real: the generated customers have them, at least as many as were counted.
    let orders = 0;
    for (let n = 1; n <= 10; n++) {
      const token = await api.token(shopperEmail(n), SHOPPER_PASSWORD).catch(() => undefined);
      if (token) orders += (await api.request('GET', '/api/v1/orders?limit=100', { token })).body.items.length;
    }
    const placed = final.counts.checkout.ok + final.counts.declined.ok + final.counts.outOfStock.ok;
    assert.ok(placed > 0 && orders >= placed, `${orders} orders found, ${placed} counted`);
  });

  it('stops catalog: reads fail with 503 while checkouts price from the cache, readiness goes down; start brings it back', async () => {
    // One checkout first, so orders has the price cached.
    const warm = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    assert.equal(warm.status, 202);
    const pidsBefore = await instancePids('catalog');
    assert.ok(pidsBefore.length > 0);

    const stop = await api.request('POST', '/api/v1/admin/services/catalog/stop', { token: admin });
    assert.equal(stop.status, 200, JSON.stringify(stop.body));
    assert.equal(stop.body.service, 'catalog');
    assert.equal(stop.body.running, false);
    assert.ok(stop.body.services.includes('catalog'));
    if (split) {
      assert.ok(stop.body.processes.length > 0, 'the processes hosting catalog are named');
      for (const pid of pidsBefore) assert.equal(alive(pid), false, `catalog's process ${pid} exited`);
    }
    assert.equal((await api.request('POST', '/api/v1/admin/services/catalog/stop', { token: admin })).status, 409, 'stopped already');

    const item = await serviceItem('catalog');
    assert.equal(item.stopped, true);
    assert.equal(item.ready, false);
    // A read nobody made before (so no cache can answer it) finds no catalog.
    const read = await eventually(async () => {
      const response = await api.request('GET', '/api/v1/products?limit=9');
      return response.status === 503 ? response : undefined;
    }, 10_000, 'product reads to fail');
    assert.match(read.headers.get('content-type') ?? '', /problem\+json/);
    const readiness = await eventually(async () => {
      const response = await api.request('GET', '/readyz');
      return response.status === 503 ? response.body : undefined;
    }, 10_000, 'readiness down');
    assert.equal(readiness.checks.catalog, 'down');
    const placed = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    assert.equal(placed.status, 202, 'checkout prices from the cache while catalog is stopped');
    const tick = await liveTick(shop.url, admin, (candidate) => candidate.stopped?.includes('catalog'));
    assert.ok(tick.unreachable.includes('catalog'));

    const start = await api.request('POST', '/api/v1/admin/services/catalog/start', { token: admin });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.running, true);
    if (split) assert.ok(start.body.processes.length > 0);
    assert.equal((await api.request('POST', '/api/v1/admin/services/catalog/start', { token: admin })).status, 409, 'running already');
    await eventually(async () => (await api.request('GET', '/api/v1/products?limit=9')).status === 200, 15_000, 'product reads back');
    await eventually(async () => (await api.request('GET', '/readyz')).status === 200, 15_000, 'readiness back');
    const back = await serviceItem('catalog');
    assert.deepEqual({ stopped: back.stopped, ready: back.ready }, { stopped: false, ready: true });
    if (split) {
      const pidsAfter = await eventually(async () => {
        const pids = await instancePids('catalog');
        return pids.length > 0 && pids.every((pid) => !pidsBefore.includes(pid)) ? pids : undefined;
      }, 10_000, 'a new catalog process in discovery');
      assert.ok(pidsAfter.every(alive));
    }
    await api.waitForStatus(alice, placed.body.id, ['SHIPPED'], 20_000);
  });

  it('stops shipping: the order waits confirmed, its events wait on the bus; after start it ships', async () => {
    const pidsBefore = await instancePids('shipping');
    const stop = await api.request('POST', '/api/v1/admin/services/shipping/stop', { token: admin });
    assert.equal(stop.status, 200, JSON.stringify(stop.body));
    if (split) for (const pid of pidsBefore) assert.equal(alive(pid), false, `shipping's process ${pid} exited`);

    const placed = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    assert.equal(placed.status, 202);
    await api.waitForStatus(alice, placed.body.id, ['CONFIRMED'], 20_000);
    await sleep(2_000);
    const waiting = await api.request('GET', `/api/v1/orders/${placed.body.id}`, { token: alice });
    assert.equal(waiting.body.status, 'CONFIRMED', 'no shipment while shipping is stopped');
    const tick = await liveTick(shop.url, admin, (candidate) => candidate.stopped?.includes('shipping'));
    assert.equal(typeof tick.traffic.running, 'boolean');
    // The order's events for shipping (created, stock reserved, payment captured) pile up on the bus.
    assert.ok(tick.waiting?.shipping > 0, `events waiting for shipping while it is stopped: ${JSON.stringify(tick.waiting)}`);
    assert.ok((await serviceItem('shipping')).waiting > 0, 'the services list says so too');

    const start = await api.request('POST', '/api/v1/admin/services/shipping/start', { token: admin });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const shipped = await api.waitForStatus(alice, placed.body.id, ['SHIPPED'], 30_000);
    assert.equal(shipped.status, 'SHIPPED');
    assert.equal((await serviceItem('shipping')).stopped, false);
    // Drained: everything that waited was handled and acknowledged.
    const drained = await liveTick(shop.url, admin, (candidate) => candidate.waiting?.shipping === 0).catch(() => undefined);
    assert.ok(drained, 'a live tick with nothing waiting for shipping after it started again');
    assert.equal((await serviceItem('shipping')).waiting, 0);
  });
});
