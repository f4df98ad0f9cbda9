import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopClient } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

describe('catalog through the gateway: pagination, versions, compression, rate limits', () => {
  let shop: ShopProcess;
  let api: ShopClient;

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
  });
  after(() => shop.stop());

  it('pages with limit and cursor, each product once', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<ShopClient['request']>> = await api.request('GET', `/api/v1/products?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200);
      ids.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 11);
    assert.equal(pages, 3);
  });

  it('rejects a limit above 100 naming the parameter', async () => {
    const response = await api.request('GET', '/api/v1/products?limit=1000');
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'querystring/limit');
  });

  it('serves v2 additively and marks v1 with Deprecation and Sunset', async () => {
    const v1 = await api.request('GET', '/api/v1/products/p-dock');
    const v2 = await api.request('GET', '/api/v2/products/p-dock');
    assert.match(v1.headers.get('deprecation') ?? '', /^@\d+$/);
    assert.ok(Date.parse(v1.headers.get('sunset') ?? '') > Date.now());
    assert.equal(v1.headers.get('link'), '</api/v2/products/p-dock>; rel="successor-version"');
    assert.equal(v2.headers.get('deprecation'), null);
    for (const [field, value] of Object.entries(v1.body)) assert.deepEqual(v2.body[field], value);
    assert.equal(typeof v2.body.description, 'string');
  });

  it('compresses large responses when the client accepts it', async () => {
    const response = await fetch(`${shop.url}/api/v1/products?limit=100`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    // fetch decodes gzip transparently: the body still reads as the product page.
    assert.equal(((await response.json()) as { items: unknown[] }).items.length, 11);
  });

  it('serves the merged OpenAPI document and a docs page', async () => {
    const document = await api.request('GET', '/openapi.json');
    assert.equal(document.body.openapi, '3.1.0');
    for (const path of ['/api/v1/auth/token', '/api/v1/products/{id}', '/api/v2/products/{id}', '/api/v1/orders', '/api/v1/inventory']) assert.ok(document.body.paths[path], path);
    assert.ok(!Object.keys(document.body.paths).some((path) => path.startsWith('/internal')), 'internal routes stay private');
    const docs = await fetch(`${shop.url}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
    for (const name of ['constructor', '__proto__', 'toString', '..%2Fpackage.json']) {
      const missing = await fetch(`${shop.url}/docs/${name}`);
      assert.equal(missing.status, 404, name);
    }
  });

  it('stocks a product the admin just added, and refuses stock for one the catalog does not have', async () => {
    const admin = await api.token('admin@example.com', 'admin-password');
    const unknown = await api.request('PUT', '/api/v1/inventory/p-no-such-product', { token: admin, body: { onHand: 4 } });
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    assert.deepEqual(unknown.body.errors, [{ field: 'path/productId', message: 'is not a product in the catalog' }]);
    const added = await api.request('POST', '/api/v1/products', { token: admin, body: { sku: 'LMP-900', name: 'Desk lamp', priceCents: 2900, currency: 'EUR' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const stocked = await api.request('PUT', `/api/v1/inventory/${added.body.id}`, { token: admin, body: { onHand: 4 } });
    assert.deepEqual([stocked.status, stocked.body], [200, { productId: added.body.id, onHand: 4, reserved: 0, shipped: 0 }]);
    const levels = await api.request('GET', '/api/v1/inventory', { token: admin });
    assert.ok(!levels.body.items.some((level: { productId: string }) => level.productId === 'p-no-such-product'));
  });
});

describe('rate limiting', () => {
  let shop: ShopProcess;
  before(async () => {
    shop = await launchShop({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '5' });
  });
  after(() => shop.stop());

  it('answers 429 with Retry-After past the burst', async () => {
    const api = new ShopClient(shop.url);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<ShopClient['request']>> | undefined;
    for (let i = 0; i < 8; i++) {
      const response = await api.request('GET', '/api/v1/products/p-mouse');
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.ok(limited, `no 429 in ${statuses}`);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.match(limited.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('throttles requests with bad tokens too', async () => {
    const api = new ShopClient(shop.url);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await api.request('GET', '/api/v1/orders', { token: 'not-a-token' })).status);
    assert.ok(statuses.every((status) => status === 401 || status === 429), `${statuses}`);
    assert.equal(statuses.at(-1), 429, `${statuses}`);
  });
});
