import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShopClient } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

describe('authentication and authorization at the gateway', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let alice: string;

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    alice = await api.token('alice@example.com', 'alice-password');
  });
  after(() => shop.stop());

  it('issues short-lived RS256 tokens whose keys are published as JWKS', async () => {
    const token = await api.request('POST', '/api/v1/auth/token', { body: { email: 'alice@example.com', password: 'alice-password' } });
    assert.equal(token.body.token_type, 'Bearer');
    assert.ok(token.body.expires_in > 0 && token.body.expires_in <= 3600);
    const [header, payload] = (token.body.access_token as string).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.equal(header.alg, 'RS256');
    assert.ok(payload.iss && payload.aud && payload.exp && payload.sub);
    assert.equal(payload.role, 'customer');
    const jwks = await api.request('GET', '/.well-known/jwks.json');
    assert.ok(jwks.body.keys.some((key: { kid: string }) => key.kid === header.kid));
  });

  it('refuses a wrong password with 401', async () => {
    const response = await api.request('POST', '/api/v1/auth/token', { body: { email: 'alice@example.com', password: 'not-her-password' } });
    assert.equal(response.status, 401);
  });

  it('answers 401 without a token, with a forged token and with a tampered one', async () => {
    assert.equal((await api.request('GET', '/api/v1/orders')).status, 401);
    assert.equal((await api.request('GET', '/api/v1/orders', { token: 'not.a.jwt' })).status, 401);
    const [header, payload, signature] = alice.split('.');
    const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    const tampered = await api.request('GET', '/api/v1/inventory', { token: `${header}.${elevated}.${signature}` });
    assert.equal(tampered.status, 401);
    assert.match(tampered.headers.get('www-authenticate') ?? '', /Bearer/);
  });

  it('answers 403 to a customer on admin routes', async () => {
    assert.equal((await api.request('GET', '/api/v1/inventory', { token: alice })).status, 403);
    assert.equal((await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: alice, body: { latencyMs: 0, errorRate: 1 } })).status, 403);
    assert.equal((await api.request('GET', '/api/v1/admin/ledger', { token: alice })).status, 403);
  });

  it('decides 401 and 403 before looking at the body', async () => {
    const noToken = await api.request('POST', '/api/v1/orders', { body: { nonsense: true }, headers: { 'idempotency-key': 'k1' } });
    assert.equal(noToken.status, 401);
    const notAdmin = await api.request('POST', '/api/v1/products', { token: alice, rawBody: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(notAdmin.status, 403);
  });

  it("hides another user's order, payment and shipment behind 404", async () => {
    const placed = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    const mallory = await api.newCustomer('Mallory');
    for (const path of [`/api/v1/orders/${placed.body.id}`, `/api/v1/orders/${placed.body.id}/details`, `/api/v1/payments/${placed.body.id}`, `/api/v1/shipments/${placed.body.id}`]) {
      const response = await api.request('GET', path, { token: mallory.token });
      assert.equal(response.status, 404, path);
    }
    const cancel = await api.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: mallory.token });
    assert.equal(cancel.status, 404);
    const own = await api.request('GET', `/api/v1/orders/${placed.body.id}`, { token: alice });
    assert.equal(own.status, 200);
  });

  it('shows the signed-in user', async () => {
    const me = await api.request('GET', '/api/v1/users/me', { token: alice });
    assert.equal(me.body.email, 'alice@example.com');
    assert.equal(me.body.role, 'customer');
  });
});
