import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ShopClient, checkout } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

interface BadRequestCase {
  name: string;
  method: string;
  path: string;
  as: 'anonymous' | 'customer' | 'admin';
  body?: unknown;
  rawBody?: string;
  /** Every listed field must be named in the problem's errors. */
  fields: string[];
}

const goodCheckout = checkout([{ productId: 'p-cable', quantity: 1 }]);

/** One or more bad bodies for every write route of the public API. */
const cases: BadRequestCase[] = [
  { name: 'register: bad email, short password, no name', method: 'POST', path: '/api/v1/auth/register', as: 'anonymous', body: { email: 'not-an-email', password: 'short' }, fields: ['body/email', 'body/password', 'body/name'] },
  { name: 'register: unknown field', method: 'POST', path: '/api/v1/auth/register', as: 'anonymous', body: { email: 'a@example.com', password: 'long-enough', name: 'A', admin: true }, fields: ['body/admin'] },
  { name: 'token: missing password', method: 'POST', path: '/api/v1/auth/token', as: 'anonymous', body: { email: 'alice@example.com' }, fields: ['body/password'] },
  { name: 'token: malformed JSON', method: 'POST', path: '/api/v1/auth/token', as: 'anonymous', rawBody: '{"email": ', fields: ['body'] },
  { name: 'create product: wrong types', method: 'POST', path: '/api/v1/products', as: 'admin', body: { sku: 'X', name: 'X', priceCents: '12', currency: 'euro' }, fields: ['body/priceCents', 'body/currency'] },
  { name: 'update product: empty change', method: 'PATCH', path: '/api/v1/products/p-mouse', as: 'admin', body: {}, fields: ['body'] },
  { name: 'update product: negative price', method: 'PATCH', path: '/api/v1/products/p-mouse', as: 'admin', body: { priceCents: -5 }, fields: ['body/priceCents'] },
  { name: 'set stock: negative', method: 'PUT', path: '/api/v1/inventory/p-mouse', as: 'admin', body: { onHand: -1 }, fields: ['body/onHand'] },
  { name: 'place order: no items', method: 'POST', path: '/api/v1/orders', as: 'customer', body: { ...goodCheckout, items: [] }, fields: ['body/items'] },
  { name: 'place order: zero quantity', method: 'POST', path: '/api/v1/orders', as: 'customer', body: { ...goodCheckout, items: [{ productId: 'p-cable', quantity: 0 }] }, fields: ['body/items/0/quantity'] },
  { name: 'place order: bad country, missing city', method: 'POST', path: '/api/v1/orders', as: 'customer', body: { ...goodCheckout, shippingAddress: { name: 'A', line1: 'B', postalCode: '1', country: 'Netherlands' } }, fields: ['body/shippingAddress/country', 'body/shippingAddress/city'] },
  { name: 'place order: no payment', method: 'POST', path: '/api/v1/orders', as: 'customer', body: { items: goodCheckout.items, shippingAddress: goodCheckout.shippingAddress }, fields: ['body/payment'] },
  { name: 'place order: malformed product id', method: 'POST', path: '/api/v1/orders', as: 'customer', body: checkout([{ productId: 'p nope/../', quantity: 1 }]), fields: ['body/items/0/productId'] },
  { name: 'place order: unknown product', method: 'POST', path: '/api/v1/orders', as: 'customer', body: checkout([{ productId: 'p-nope', quantity: 1 }]), fields: ['body/items/0/productId'] },
  { name: 'admin faults: error rate above 1', method: 'PUT', path: '/api/v1/admin/services/catalog/faults', as: 'admin', body: { latencyMs: 0, errorRate: 2 }, fields: ['body/errorRate'] },
];

describe('bad input gets a 4xx problem+json naming the field, and loses nothing', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  const tokens: Record<string, string | undefined> = {};

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    tokens.customer = await api.token('alice@example.com', 'alice-password');
    tokens.admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const response = await api.request(testCase.method, testCase.path, {
        token: tokens[testCase.as],
        body: testCase.body,
        rawBody: testCase.rawBody,
        headers: { 'idempotency-key': randomUUID(), ...(testCase.rawBody ? { 'content-type': 'application/json' } : {}) },
      });
      assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}: ${JSON.stringify(response.body)}`);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(response.body.type, /^https:\/\/agora\.dev\/problems\//);
      assert.equal(response.body.status, response.status);
      assert.doesNotMatch(JSON.stringify(response.body), /\bat .+\.ts:\d+/, 'no stack trace');
      const named = (response.body.errors ?? []).map((error: { field: string }) => error.field);
      for (const field of testCase.fields) assert.ok(named.includes(field), `${field} not in ${JSON.stringify(named)}`);
    });
  }

  it('creates no order for any rejected checkout', async () => {
    const mine = await api.request('GET', '/api/v1/orders?limit=100', { token: tokens.customer });
    assert.equal(mine.body.items.length, 0);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const response = await api.request('POST', '/api/v1/auth/token', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(response.status, 415);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await api.request('GET', '/api/v1/nothing-here');
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  });
});
