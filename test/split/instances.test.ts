import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootLogger } from '@agora/chassis';
import { ServiceRegistry } from '@agora/chassis/split';
import { freePort } from '@agora/infra';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, serveInstance, type ShopProcess } from '../support/shop-process.ts';

const FINAL = ['SHIPPED', 'CANCELLED'];

function counterTotal(metrics: string, name: string, labels: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('split topology: instances come and go under load', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;

  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'split', ROUTE_WEIGHTS: 'identity=0.1.0:80,canary:20' });
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  it('a second inventory instance takes traffic; SIGKILL on one of the two loses no acknowledged order', async () => {
    const second = await serveInstance(shop, 'inventory');
    await eventually(async () => {
      const status = await api.request('GET', '/api/v1/admin/services', { token: admin });
      return status.body.items.find((item: { service: string }) => item.service === 'inventory')?.instances === 2;
    }, 10_000, 'two inventory instances in discovery');

    const customers = await Promise.all(Array.from({ length: 4 }, (_, i) => api.newCustomer(`Split${i}`)));
    const answers: Array<{ status: number; id?: string; token: string }> = [];
    let killed = false;
    // Four buyers in a loop; the second instance dies without warning a third of the way in.
    await Promise.all(
      customers.map(async (customer) => {
        for (let i = 0; i < 15; i++) {
          const response = await api.placeOrder(customer.token, [{ productId: i % 2 ? 'p-cable' : 'p-mouse', quantity: 1 }]);
          answers.push({ status: response.status, id: response.body?.id, token: customer.token });
          if (answers.length === 20 && !killed) {
            killed = true;
            const metrics = await fetch(`${second.url}/metrics`).then((reply) => reply.text());
            assert.ok(counterTotal(metrics, 'agora_http_requests_total', 'service="inventory"') + counterTotal(metrics, 'agora_events_consumed_total', 'service="inventory"') > 0, 'the second instance served some of the work');
            await second.kill('SIGKILL');
          }
        }
      }),
    );
    assert.deepEqual(
      answers.filter((answer) => answer.status !== 202).map((answer) => answer.status),
      [],
      'every checkout was accepted while an instance died',
    );
    // Deliveries the killed instance held come back after JetStream's ack wait.
    const finals = await Promise.all(answers.map((answer) => api.waitForStatus(answer.token, answer.id!, FINAL, 60_000)));
    assert.equal(finals.length, 60);
    assert.equal(finals.filter((order) => order.status === 'SHIPPED').length, 60, 'in-stock orders with good cards all ship');

    await eventually(async () => {
      const status = await api.request('GET', '/api/v1/admin/services', { token: admin });
      return status.body.items.find((item: { service: string }) => item.service === 'inventory')?.instances === 1;
    }, 10_000, 'the killed instance to leave discovery');
  });

  it('a canary release gets its weighted share of the gateway traffic', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const canary = await serveInstance(shop, 'identity', { SERVICE_VERSION: 'canary' });
    try {
      await eventually(async () => {
        const status = await api.request('GET', '/api/v1/admin/services', { token: admin });
        return status.body.items.find((item: { service: string }) => item.service === 'identity')?.instances === 2;
      }, 10_000, 'the canary in discovery');
      const route = 'route="/api/v1/users/me"';
      const servedBefore = counterTotal(await fetch(`${canary.url}/metrics`).then((reply) => reply.text()), 'agora_http_requests_total', route);
      for (let i = 0; i < 300; i++) assert.equal((await api.request('GET', '/api/v1/users/me', { token: alice })).status, 200);
      const served = counterTotal(await fetch(`${canary.url}/metrics`).then((reply) => reply.text()), 'agora_http_requests_total', route) - servedBefore;
      // 20% of 300 is 60; the binomial spread is about ±7, so 35…85 fails only if routing is wrong.
      assert.ok(served >= 35 && served <= 85, `the canary served ${served} of 300`);
    } finally {
      await canary.kill('SIGTERM');
    }
  });

  it('runs as containers would: a service on a fixed port announcing another host, and a gateway of its own', async () => {
    const port = await freePort();
    const catalog = await serveInstance(shop, 'catalog', { SERVICE_PORT: String(port), HOST: '0.0.0.0', ADVERTISE_HOST: 'localhost' });
    const natsUrl = (JSON.parse(readFileSync(join(shop.dataDir, 'connections.json'), 'utf8')) as { NATS_URL: string }).NATS_URL;
    const registry = await ServiceRegistry.connect({ natsUrl, logger: rootLogger() });
    const gateway = await serveInstance(shop, 'gateway', { PORT: '0' });
    try {
      const announced = await eventually(async () => registry.instances('catalog').find((instance) => instance.pid === catalog.child.pid), 10_000, 'the catalog instance in discovery');
      assert.equal(announced.url, `http://localhost:${port}`, 'announced under ADVERTISE_HOST, on SERVICE_PORT');
      assert.equal((await fetch(`${announced.url}/readyz`)).status, 200);

      // The second gateway finds every service through discovery and verifies tokens the first issued.
      const second = new ShopClient(gateway.url);
      await eventually(async () => (await second.request('GET', '/readyz')).status === 200, 10_000, 'the second gateway ready');
      const alice = await api.token('alice@example.com', 'alice-password');
      const placed = await second.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
      assert.equal(placed.status, 202, JSON.stringify(placed.body));
      assert.equal((await api.waitForStatus(alice, placed.body.id, FINAL, 30_000)).status, 'SHIPPED');
    } finally {
      await gateway.kill('SIGTERM');
      await catalog.kill('SIGTERM');
      await registry.close();
    }
  });
});
