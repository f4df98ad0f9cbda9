import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkout, eventually } from '../support/client.ts';
import { send } from './support/http.ts';
import { publishRaw } from './support/raw-events.ts';
import { assertNothingLeaked, SecurityShop } from './support/security-shop.ts';

/**
 * Secrets never reach a log line. Every file of this suite ends by grepping its shop's logs for the
 * passwords, tokens and card tokens it used; this one drives the paths most likely to write them,
 * at the most verbose log level, with the orchestrated saga (which keeps the card token in its
 * state) and failures that log errors with their causes.
 */
describe('secrets stay out of the logs', () => {
  let shop: SecurityShop;
  let admin: string;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send(shop.url, { method: 'POST', path, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  before(async () => {
    shop = await SecurityShop.start({ LOG_LEVEL: 'trace', SAGA_STYLE: 'orchestration' });
    admin = await shop.token('admin@example.com', 'admin-password');
  });
  after(() => shop?.stop());

  it('signing up and in, right and wrong, with the password in every shape of body', async () => {
    const customer = await shop.customer('Logged');
    const wrong = shop.secret(`wrong-${randomUUID()}`);
    assert.equal((await post('/api/v1/auth/token', { email: customer.email, password: wrong })).status, 401);
    assert.equal((await post('/api/v1/auth/token', { email: `nobody-${randomUUID().slice(0, 6)}@example.com`, password: wrong })).status, 401);
    const malformed = await send(shop.url, { method: 'POST', path: '/api/v1/auth/token', body: `{"email":"${customer.email}","password":"${wrong}"`, headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 400);
    const extra = await post('/api/v1/auth/register', { email: `x-${randomUUID().slice(0, 6)}@example.com`, password: shop.secret(`pw-${randomUUID()}`), name: 'X', role: 'admin' });
    assert.equal(extra.status, 400);
  });

  it('tokens in the header, in the query and in a cookie', async () => {
    const customer = await shop.customer('Query');
    for (const path of [`/api/v1/orders?access_token=${customer.token}`, `/api/v1/users/me?token=${customer.token}&password=${customer.password}`]) {
      assert.equal((await send(shop.url, { method: 'GET', path })).status, 401);
    }
    assert.equal((await send(shop.url, { method: 'GET', path: '/api/v1/users/me', headers: { cookie: `session=${customer.token}` } })).status, 401);
    assert.equal((await send(shop.url, { method: 'GET', path: '/api/v1/orders', headers: { authorization: `Bearer ${customer.token}` } })).status, 200);
    assert.equal((await send(shop.url, { method: 'GET', path: '/api/v1/inventory', headers: { authorization: `Bearer ${customer.token}` } })).status, 403);
  });

  it('checkouts through the orchestrated saga, paid, declined and failing, with card tokens of their own', async () => {
    const customer = await shop.customer('Buyer');
    const declined = await shop.api.placeOrder(customer.token, [{ productId: 'p-cable', quantity: 1 }], shop.cardToken());
    assert.equal((await shop.api.waitForStatus(customer.token, declined.body.id, ['CANCELLED', 'SHIPPED'])).status, 'CANCELLED');
    // Payments failing: the orchestrator retries the step and logs why, with the call it made.
    assert.equal((await send(shop.url, { method: 'PUT', path: '/api/v1/admin/services/payments/faults', body: '{"latencyMs":0,"errorRate":1}', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` } })).status, 200);
    const failing = await shop.api.placeOrder(customer.token, [{ productId: 'p-cable', quantity: 1 }], shop.cardToken());
    await eventually(async () => shop.shop.logs.some((line) => line.msg === 'saga step failed; will retry'), 10_000, 'a failed saga step');
    assert.equal((await send(shop.url, { method: 'PUT', path: '/api/v1/admin/services/payments/faults', body: '{"latencyMs":0,"errorRate":0}', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` } })).status, 200);
    await shop.api.waitForStatus(customer.token, failing.body.id, ['CANCELLED', 'SHIPPED'], 30_000);
  });

  it('a malformed event carrying a card token, parked as a dead letter', async () => {
    const card = shop.cardToken();
    await publishRaw(shop.shop, 'order.created.v1', JSON.stringify({ id: randomUUID(), type: 'order.created.v1', source: 'x', subject: 'o-x', time: new Date().toISOString(), data: { orderId: 'o-x', payment: { cardToken: card } } }));
    await eventually(async () => shop.shop.logs.some((line) => line.msg === 'event dead-lettered'), 10_000, 'the event dead-lettered');
  });

  it('a request that fails inside the gateway', async () => {
    const customer = await shop.customer('Failing');
    const checkoutBody = JSON.stringify(checkout([{ productId: 'p-cable', quantity: 1 }], shop.cardToken()));
    const answer = await send(shop.url, { method: 'POST', path: `/api/v1/orders?password=${customer.password}`, body: checkoutBody, headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.token}`, 'idempotency-key': randomUUID() } });
    assert.equal(answer.status, 202);
  });

  it('wrote none of them into any log line, at trace level', () => {
    assert.ok(shop.secretCount >= 15, `only ${shop.secretCount} secrets were used`);
    assert.ok(shop.shop.logs.length > 50, `only ${shop.shop.logs.length} log lines`);
    assertNothingLeaked(shop);
  });
});
