import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { catalog } from '../service.ts';

const admin = { sub: 'u-admin', role: 'admin' as const };
const customer = { sub: 'u-alice', role: 'customer' as const };

describe('catalog', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([catalog]);
  });
  after(() => shop.stop());

  it('pages through every product exactly once with opaque cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await shop.request('catalog', { method: 'GET', url: `/api/v1/products?limit=3${query}` });
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 3);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.includes('p-keyboard') && seen.includes('p-soldout'));
    assert.deepEqual(seen, [...seen].sort());
  });

  it('rejects a forged cursor with a 400 naming the field', async () => {
    const response = await shop.request('catalog', { method: 'GET', url: '/api/v1/products?cursor=not-a-cursor' });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'querystring/cursor');
  });

  it('marks v1 deprecated with a sunset date and keeps every v1 field in v2', async () => {
    const v1 = await shop.request('catalog', { method: 'GET', url: '/api/v1/products/p-mouse' });
    const v2 = await shop.request('catalog', { method: 'GET', url: '/api/v2/products/p-mouse' });
    assert.match(String(v1.headers.deprecation), /^@\d+$/);
    assert.ok(Date.parse(String(v1.headers.sunset)) > Date.now());
    assert.equal(v2.headers.deprecation, undefined);
    for (const [field, value] of Object.entries(v1.body)) assert.deepEqual(v2.body[field], value, field);
    assert.ok('description' in v2.body && 'version' in v2.body);
  });

  it('lets only admins create products, and publishes product.changed.v1 with the change', async () => {
    const product = { sku: 'TEST-1', name: 'Test product', priceCents: 1234, currency: 'EUR' };
    const denied = await shop.request('catalog', { method: 'POST', url: '/api/v1/products', body: product, principal: customer });
    assert.equal(denied.status, 403);
    const created = await shop.request('catalog', { method: 'POST', url: '/api/v1/products', body: product, principal: admin });
    assert.equal(created.status, 201);
    const event = await eventually(() => shop.events('product.changed.v1').find((e) => e.subject === created.body.id));
    assert.deepEqual(event.data, { productId: created.body.id, sku: 'TEST-1', name: 'Test product', priceCents: 1234, currency: 'EUR', change: 'created' });
    const duplicate = await shop.request('catalog', { method: 'POST', url: '/api/v1/products', body: product, principal: admin });
    assert.equal(duplicate.status, 409);
  });

  it('answers bad bodies with problem+json naming each field', async () => {
    const response = await shop.request('catalog', { method: 'POST', url: '/api/v1/products', body: { sku: '', priceCents: -1, currency: 'euro' }, principal: admin });
    assert.equal(response.status, 400);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    for (const field of ['body/sku', 'body/name', 'body/priceCents', 'body/currency']) assert.ok(fields.includes(field), `${field} in ${fields}`);
  });
});
