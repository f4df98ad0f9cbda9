import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ShopClient, checkout } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

describe('Idempotency-Key on POST /api/v1/orders', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let alice: string;
  let admin: string;
  const order = checkout([{ productId: 'p-headset', quantity: 1 }]);

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    alice = await api.token('alice@example.com', 'alice-password');
    admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  it('requires the key: 400 naming the header', async () => {
    const response = await api.request('POST', '/api/v1/orders', { token: alice, body: order });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'headers/idempotency-key');
  });

  it('refuses keys longer than 255 characters', async () => {
    const response = await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': 'k'.repeat(256) } });
    assert.equal(response.status, 400);
    assert.match(response.body.detail, /255/);
  });

  it('replays the first response for the same key and body, with one order created', async () => {
    const key = randomUUID();
    const first = await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    for (let i = 0; i < 5; i++) {
      const again = await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
      assert.equal(again.status, 202);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers.get('location'), first.headers.get('location'));
    }
    const mine = await api.request('GET', '/api/v1/orders?limit=100', { token: alice });
    assert.equal(mine.body.items.filter((item: { id: string }) => item.id === first.body.id).length, 1);
  });

  it('keeps no answer for a refused body: the corrected request with the same key runs', async () => {
    const key = randomUUID();
    const refused = await api.request('POST', '/api/v1/orders', { token: alice, body: { ...order, items: [] }, headers: { 'idempotency-key': key } });
    assert.equal(refused.status, 400);
    const corrected = await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
    assert.equal(corrected.status, 202);
    assert.equal(corrected.headers.get('idempotent-replayed'), null);
  });

  it('answers 422 when the same key comes with a different body', async () => {
    const key = randomUUID();
    await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
    const other = await api.request('POST', '/api/v1/orders', { token: alice, body: checkout([{ productId: 'p-headset', quantity: 2 }]), headers: { 'idempotency-key': key } });
    assert.equal(other.status, 422);
    assert.match(other.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    // Slow the catalog down so the first checkout is still pricing when the second arrives.
    await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 600, errorRate: 0 } });
    try {
      const key = randomUUID();
      const first = api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
      await new Promise((resolve) => setTimeout(resolve, 150));
      const second = await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
      assert.equal(second.status, 409);
      assert.equal(second.headers.get('retry-after'), '1');
      assert.equal((await first).status, 202);
    } finally {
      await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 0, errorRate: 0 } });
    }
  });

  it('scopes keys per user: the same key from another user is a new order', async () => {
    const key = randomUUID();
    const bob = await api.newCustomer('Bob');
    const mine = await api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } });
    const his = await api.request('POST', '/api/v1/orders', { token: bob.token, body: order, headers: { 'idempotency-key': key } });
    assert.equal(his.status, 202);
    assert.equal(his.headers.get('idempotent-replayed'), null);
    assert.notEqual(his.body.id, mine.body.id);
  });

  it('creates one order from ten concurrent duplicates', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.request('POST', '/api/v1/orders', { token: alice, body: order, headers: { 'idempotency-key': key } })));
    const accepted = answers.filter((answer) => answer.status === 202);
    assert.ok(accepted.length >= 1);
    assert.ok(answers.every((answer) => answer.status === 202 || answer.status === 409), answers.map((a) => a.status).join(','));
    assert.equal(new Set(accepted.map((answer) => answer.body.id)).size, 1);
  });

  it('publishes the retention period in the OpenAPI document', async () => {
    const document = await api.request('GET', '/openapi.json');
    assert.equal(document.body['x-idempotency-retention-seconds'], 86_400);
    const parameters = document.body.paths['/api/v1/orders'].post.parameters;
    assert.ok(parameters.some((parameter: { name: string; required: boolean }) => parameter.name === 'Idempotency-Key' && parameter.required));
  });
});
