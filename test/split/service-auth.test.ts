import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopClient } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

const SERVICE_AUTHENTICATION = 'https://agora.dev/problems/service-authentication';

describe('split topology: service ports answer only callers with a service token', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let instanceOf: (service: string) => string;

  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'split' });
    api = new ShopClient(shop.url);
    const admin = await api.token('admin@example.com', 'admin-password');
    // The gateway reads every instance through its chassis routes: that call is itself signed.
    const topology = await api.request('GET', '/api/v1/admin/topology', { token: admin });
    assert.equal(topology.status, 200);
    const nodes = topology.body.nodes as Array<{ id: string; instances: Array<{ url?: string }> }>;
    instanceOf = (service) => {
      const url = nodes.find((node) => node.id === service)?.instances.find((instance) => instance.url)?.url;
      assert.ok(url, `an instance URL of ${service}`);
      return url;
    };
  });
  after(() => shop.stop());

  const refused = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers });
    assert.equal(response.status, 401, url);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await response.json()) as { type: string; status: number };
    assert.equal(problem.type, SERVICE_AUTHENTICATION);
    assert.equal(problem.status, 401);
  };

  it('refuses a direct call to a service route without a token', async () => {
    await refused(`${instanceOf('catalog')}/api/v1/products`);
  });

  it("refuses a direct call to the chassis' internal routes without a token", async () => {
    await refused(`${instanceOf('orders')}/internal/v1/chassis/status`);
  });

  it('refuses a forged principal header without a token, and a made-up token', async () => {
    const admin = JSON.stringify({ sub: 'u-admin', role: 'admin' });
    await refused(`${instanceOf('orders')}/api/v1/orders`, { 'x-agora-principal': admin });
    await refused(`${instanceOf('inventory')}/api/v1/inventory`, { 'x-agora-principal': admin, 'x-agora-service-token': 'eyJhbGciOiJub25lIn0.e30.' });
  });

  it('answers probes and scrapes without a token', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.equal((await fetch(`${instanceOf('payments')}${path}`)).status, 200, path);
  });

  it('still takes a checkout through the gateway to SHIPPED: the calls between processes carry valid tokens', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    assert.equal(placed.status, 202);
    const order = await api.waitForStatus(alice, placed.body.id, ['SHIPPED', 'CANCELLED'], 30_000);
    assert.equal(order.status, 'SHIPPED');
  });
});
