import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '@agora/chassis';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { catalogLookupStub, type StubProduct } from '@agora/catalog/contract/lookup-stub';
import { productChanged } from '@agora/catalog/contract/events';
import { orders } from '../service.ts';

const alice: Principal = { sub: 'u-alice', role: 'customer' };
const priceList: Record<string, StubProduct> = {
  'p-mouse': { sku: 'MS-200', name: 'Wireless mouse', priceCents: 3900 },
  'p-cable': { sku: 'CB-600', name: 'USB-C cable', priceCents: 1200 },
};
/** The catalog as its contract declares the price lookup, over that price list. */
const { service: catalogStub, lookups } = catalogLookupStub(priceList);

describe('quoting a cart', () => {
  let shop: TestSystem;
  const quote = (body: unknown, principal: Principal | null = alice) => shop.request('orders', { method: 'POST', url: '/api/v1/orders/quote', principal: principal ?? undefined, body });
  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((error) => error.field);

  before(async () => {
    shop = await startTestSystem([catalogStub, orders]);
  });
  after(() => shop.stop());

  it("prices every line at the catalog's price, asked in one round trip, and totals them", async () => {
    const asked = lookups.length;
    const response = await quote({ items: [{ productId: 'p-mouse', quantity: 2 }, { productId: 'p-cable', quantity: 3 }] });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      items: [
        { productId: 'p-mouse', name: 'Wireless mouse', quantity: 2, unitPriceCents: 3900, lineTotalCents: 7800 },
        { productId: 'p-cable', name: 'USB-C cable', quantity: 3, unitPriceCents: 1200, lineTotalCents: 3600 },
      ],
      totalCents: 11_400,
      currency: 'EUR',
    });
    // One round trip carries the whole cart (made twice when AGORA_VERIFY_IDEMPOTENCY retries every retriable call).
    assert.ok(lookups.length > asked);
    for (const ids of lookups.slice(asked)) assert.deepEqual(ids, ['p-mouse', 'p-cable']);
  });

  it('asks the catalog every time, so a price change shows in the next quote', async () => {
    priceList['p-cable']!.priceCents = 1500;
    try {
      const response = await quote({ items: [{ productId: 'p-cable', quantity: 2 }] });
      assert.equal(response.body.totalCents, 3000);
    } finally {
      priceList['p-cable']!.priceCents = 1200;
    }
  });

  it('refuses an unknown product with 422 naming the item', async () => {
    const response = await quote({ items: [{ productId: 'p-mouse', quantity: 1 }, { productId: 'p-nope', quantity: 1 }] });
    assert.equal(response.status, 422);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.deepEqual(fields(response.body), ['body/items/1/productId']);
  });

  it('refuses a bad body with 400 naming the field, before asking the catalog', async () => {
    const asked = lookups.length;
    for (const [body, field] of [
      [{ items: [{ productId: 'p-mouse', quantity: 0 }] }, 'body/items/0/quantity'],
      [{ items: [{ productId: 'p-mouse', quantity: 101 }] }, 'body/items/0/quantity'],
      [{ items: [{ productId: 'p mouse', quantity: 1 }] }, 'body/items/0/productId'],
      [{ items: [] }, 'body/items'],
      [{ items: Array.from({ length: 51 }, () => ({ productId: 'p-mouse', quantity: 1 })) }, 'body/items'],
      [{ items: [{ productId: 'p-mouse', quantity: 1 }], payment: { cardToken: 'tok_visa' } }, 'body/payment'],
    ] as const) {
      const response = await quote(body);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
      assert.ok(fields(response.body).includes(field), `${field} not in ${JSON.stringify(fields(response.body))}`);
    }
    assert.equal(lookups.length, asked);
  });

  it('needs a signed-in user', async () => {
    const response = await quote({ items: [{ productId: 'p-mouse', quantity: 1 }] }, null);
    assert.equal(response.status, 401);
  });

  it('stores no order and publishes nothing', async () => {
    await quote({ items: [{ productId: 'p-mouse', quantity: 1 }] });
    const mine = await shop.request('orders', { method: 'GET', url: '/api/v1/orders', principal: alice });
    assert.deepEqual(mine.body.items, []);
    assert.deepEqual(shop.events('order.created.v1'), []);
  });

  it('with the catalog away, quotes from the prices checkout keeps, having kept none itself', async () => {
    // p-mouse's price reaches the fallback cache the way checkout's do; p-cable was only ever quoted.
    await shop.publish(productChanged, 'p-mouse', { productId: 'p-mouse', sku: 'MS-200', name: 'Wireless mouse', priceCents: 3700, currency: 'EUR', change: 'updated' });
    await shop.system.suspend('catalog');
    try {
      const cached = await eventually(async () => {
        const response = await quote({ items: [{ productId: 'p-mouse', quantity: 1 }] });
        return response.status === 200 ? response.body : undefined;
      }, 5_000, 'a quote from the fallback cache');
      assert.equal(cached.totalCents, 3700);
      const uncached = await quote({ items: [{ productId: 'p-cable', quantity: 1 }] });
      assert.equal(uncached.status, 503);
    } finally {
      await shop.system.resume('catalog');
    }
  });
});
