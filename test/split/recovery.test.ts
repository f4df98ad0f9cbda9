import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNats, startPostgres } from '@agora/infra';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

const FINAL = ['SHIPPED', 'CANCELLED'];

/** What the shop's launcher recorded about a server it started in the data folder. */
function serverOf(shop: ShopProcess, name: string): { pid: number; port: number } {
  return JSON.parse(readFileSync(join(shop.dataDir, name, 'server.json'), 'utf8')) as { pid: number; port: number };
}

async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await eventually(async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 10_000, `process ${pid} to exit`);
}

const readiness = async (shop: ShopProcess) => (await fetch(`${shop.url}/readyz`)).status;

describe('split topology: the infrastructure restarts under it', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let alice: string;

  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'split' });
    api = new ShopClient(shop.url);
    alice = await api.token('alice@example.com', 'alice-password');
  });
  after(() => shop.stop());

  it('NATS killed and restarted: readiness goes down and up, orders taken meanwhile all complete', async () => {
    const nats = serverOf(shop, 'nats');
    await killAndWait(nats.pid);
    await eventually(async () => (await readiness(shop)) === 503, 10_000, 'readiness to go down without NATS');

    // The outbox holds what the bus cannot take: checkouts are still accepted.
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]));
    assert.deepEqual(during.map((response) => response.status), [202, 202, 202, 202, 202]);

    await startNats(shop.dataDir, { port: nats.port });
    await eventually(async () => (await readiness(shop)) === 200, 30_000, 'readiness to come back with NATS');
    const finals = await Promise.all(during.map((response) => api.waitForStatus(alice, response.body.id, FINAL, 30_000)));
    assert.deepEqual(finals.map((order) => order.status), ['SHIPPED', 'SHIPPED', 'SHIPPED', 'SHIPPED', 'SHIPPED']);
  });

  it('PostgreSQL killed and restarted: 503 with Retry-After meanwhile, never a 500, and it recovers by itself', async () => {
    const placed = await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }]);
    assert.equal(placed.status, 202);
    const postgres = serverOf(shop, 'postgres');
    await killAndWait(postgres.pid);
    await eventually(async () => (await readiness(shop)) === 503, 10_000, 'readiness to go down without PostgreSQL');

    const refused = await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }]);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.ok(refused.headers.get('retry-after'));

    await startPostgres(shop.dataDir, { port: postgres.port });
    await eventually(async () => (await readiness(shop)) === 200, 30_000, 'readiness to come back with PostgreSQL');
    const after = await api.placeOrder(alice, [{ productId: 'p-mouse', quantity: 1 }]);
    assert.equal(after.status, 202);
    for (const id of [placed.body.id, after.body.id]) assert.equal((await api.waitForStatus(alice, id, FINAL, 30_000)).status, 'SHIPPED');
  });

  it('a service process that crashes is started again by the supervisor', async () => {
    const shipping = shop.logs.find((line) => line.msg === 'services ready' && (line.services as string[]).includes('shipping'))!;
    await killAndWait(shipping.pid as number);
    await eventually(async () => shop.logs.some((line) => line.msg === 'service process exited; restarting it' && /^shipping-\d+$/.test(String(line.process))), 10_000, 'the supervisor to notice');
    await eventually(async () => shop.logs.filter((line) => line.msg === 'services ready' && (line.services as string[]).includes('shipping')).length === 2, 30_000, 'shipping to start again');
    const placed = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    assert.equal(placed.status, 202);
    assert.equal((await api.waitForStatus(alice, placed.body.id, FINAL, 30_000)).status, 'SHIPPED');
  });
});
