import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, suiteEnv, type ShopProcess } from '../support/shop-process.ts';

describe(`POST /api/v1/orders/quote: gateway → orders → catalog (${suiteEnv().AGORA_TOPOLOGY})`, () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;
  let customer: string;
  const quote = (body: unknown) => api.request('POST', '/api/v1/orders/quote', { token: customer, body });

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
    customer = (await api.newCustomer('Quoter')).token;
  });
  after(() => shop.stop());

  it("prices each line at the catalog's current price and totals them", async () => {
    const cart = [{ productId: 'p-keyboard', quantity: 2 }, { productId: 'p-cable', quantity: 3 }, { productId: 'p-keyboard', quantity: 1 }];
    const products = new Map<string, { name: string; priceCents: number; currency: string }>();
    for (const id of ['p-keyboard', 'p-cable']) products.set(id, (await api.request('GET', `/api/v2/products/${id}`)).body);

    const response = await quote({ items: cart });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const expected = cart.map(({ productId, quantity }) => {
      const product = products.get(productId)!;
      return { productId, name: product.name, quantity, unitPriceCents: product.priceCents, lineTotalCents: quantity * product.priceCents };
    });
    assert.deepEqual(response.body.items, expected);
    assert.equal(response.body.totalCents, expected.reduce((sum, line) => sum + line.lineTotalCents, 0));
    assert.equal(response.body.totalCents, 3 * 8900 + 3 * 1200);
    assert.equal(response.body.currency, 'EUR');
  });

  it('asks the catalog through the chassis call: one trace holds all three hops', async () => {
    const response = await quote({ items: [{ productId: 'p-mouse', quantity: 1 }] });
    assert.equal(response.status, 200);
    const traceId = response.headers.get('x-trace-id');
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/);
    const expected = ['gateway.orders.quoteOrder', 'orders.quoteOrder', 'orders.call catalog.lookupPrices', 'catalog.lookupPrices'];
    const names = await eventually(async () => {
      const trace = await api.request('GET', `/api/v1/admin/traces/${traceId}`, { token: admin });
      const spans: string[] = (trace.body.spans ?? []).map((span: { name: string }) => span.name);
      return expected.every((name) => spans.includes(name)) ? spans : undefined;
    }, 10_000, 'the spans of gateway, orders, the call and catalog in one trace');
    assert.ok(names.length >= expected.length);
  });

  it('answers 422 naming the item when a product does not exist', async () => {
    const response = await quote({ items: [{ productId: 'p-mouse', quantity: 1 }, { productId: 'p-nope', quantity: 1 }] });
    assert.equal(response.status, 422);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.deepEqual(response.body.errors.map((error: { field: string }) => error.field), ['body/items/1/productId']);
  });

  it('answers 400 naming the field for a bad quantity', async () => {
    for (const quantity of [0, 101, 1.5, '2']) {
      const response = await quote({ items: [{ productId: 'p-mouse', quantity }] });
      assert.equal(response.status, 400, `quantity ${JSON.stringify(quantity)}`);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.ok(response.body.errors.some((error: { field: string }) => error.field === 'body/items/0/quantity'), JSON.stringify(response.body.errors));
    }
  });

  it('answers 401 without a token, before looking at the body', async () => {
    const response = await api.request('POST', '/api/v1/orders/quote', { body: { items: [] } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('creates no order and reserves no stock', async () => {
    const stock = async () => (await api.request('GET', '/api/v1/inventory', { token: admin })).body.items;
    const mine = async () => (await api.request('GET', '/api/v1/orders?limit=100', { token: customer })).body.items;
    const stockBefore = await stock();
    const ordersBefore = await mine();
    for (let i = 0; i < 3; i++) assert.equal((await quote({ items: [{ productId: 'p-limited', quantity: 2 }, { productId: 'p-dock', quantity: 1 }] })).status, 200);
    assert.deepEqual(await mine(), ordersBefore);
    assert.deepEqual(ordersBefore, []);
    // A reservation would follow an order's event within milliseconds; give one time to show.
    await sleep(1_000);
    assert.deepEqual(await stock(), stockBefore);
  });
});
