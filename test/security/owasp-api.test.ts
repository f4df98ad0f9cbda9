import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { chassisApi, type ApiContract } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import { identityApi } from '@agora/identity/contract/api';
import { inventoryApi } from '@agora/inventory/contract/api';
import { ordersApi } from '@agora/orders/contract/api';
import { paymentsApi } from '@agora/payments/contract/api';
import { shippingApi } from '@agora/shipping/contract/api';
import { checkout, eventually } from '../support/client.ts';
import { assertNoStackTrace, assertProblem, send, sendRaw, type Answer } from './support/http.ts';
import { documentedPath, operationsOf, type OpenApi } from './support/operations.ts';
import { publishRaw } from './support/raw-events.ts';
import { startRecorder, type Recorder } from './support/recorder.ts';
import { assertNothingLeaked, SecurityShop, type Customer } from './support/security-shop.ts';

/** The operator API beside the documented one (README, "The API"): admin only, like the operations marked so. */
const OPERATOR_ROUTES = [
  ['GET', '/api/v1/admin/services'],
  ['PUT', '/api/v1/admin/services/catalog/faults'],
  ['GET', '/api/v1/admin/services/catalog/dead-letters'],
  ['POST', '/api/v1/admin/services/catalog/dead-letters/replay'],
  ['GET', '/api/v1/admin/traces/0af7651916cd43dd8448eb211c80319c'],
  ['GET', '/api/v1/admin/topology'],
  ['GET', '/api/v1/admin/live'],
] as const;

/** Paths that are not API operations and answer anyway: probes, metrics, documents, the console. */
const OPERATIONAL = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/asyncapi\.json$/, /^\/docs(\/|$)/, /^\/console(\/|$)/, /^\/$/, /^\/api\/v1\/admin\//];

describe('OWASP API Security Top 10 (2023)', () => {
  let shop: SecurityShop;
  let recorder: Recorder;
  let alice: Customer;
  let mallory: Customer;
  let admin: string;
  let document: OpenApi;

  const get = (path: string, token?: string, headers: Record<string, string> = {}) => send(shop.url, { method: 'GET', path, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const write = (method: string, path: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    send(shop.url, { method, path, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const order = (token: string, body: unknown, key: string = randomUUID()) => write('POST', '/api/v1/orders', token, body, { 'idempotency-key': key });
  const namesField = (answer: Answer, field: string) => assert.ok((answer.body.errors ?? []).some((error: { field: string }) => error.field === field), `${field} not named in ${answer.text}`);

  before(async () => {
    recorder = await startRecorder();
    // The shipped defaults for rate limits and the sign-in throttle (launchShop lifts the rate limit for other suites).
    shop = await SecurityShop.start({ RATE_LIMIT_PER_SECOND: '50', RATE_LIMIT_BURST: '100' });
    alice = await shop.customer('Alice');
    mallory = await shop.customer('Mallory');
    admin = await shop.token('admin@example.com', 'admin-password');
    document = (await get('/openapi.json')).body as OpenApi;
  });
  after(async () => {
    await shop?.stop();
    await recorder?.close();
  });

  describe('API1 broken object level authorization', () => {
    it("answers another customer's order, its details, payment, shipment and cancel with the same 404 as an order that does not exist", async () => {
      const placed = await order(alice.token, checkout([{ productId: 'p-cable', quantity: 1 }], shop.cardToken()));
      assert.equal(placed.status, 202);
      const id = placed.body.id as string;
      assert.match(id, /^o-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'order ids are random UUIDs, not guessable counters');
      await shop.api.waitForStatus(alice.token, id, ['CANCELLED', 'SHIPPED']);
      const ghost = `o-${randomUUID()}`;
      for (const [method, template] of [['GET', '/api/v1/orders/{}'], ['GET', '/api/v1/orders/{}/details'], ['GET', '/api/v1/payments/{}'], ['GET', '/api/v1/shipments/{}'], ['POST', '/api/v1/orders/{}/cancel']]) {
        const theirs = await send(shop.url, { method: method!, path: template!.replace('{}', id), headers: { authorization: `Bearer ${mallory.token}` } });
        const nobodys = await send(shop.url, { method: method!, path: template!.replace('{}', ghost), headers: { authorization: `Bearer ${mallory.token}` } });
        assert.equal(theirs.status, 404, `${method} ${template}`);
        assertProblem(theirs, `${method} ${template}`);
        const shape = (answer: Answer, which: string) => ({ type: answer.body.type, title: answer.body.title, status: answer.body.status, detail: String(answer.body.detail).replace(which, '<id>') });
        assert.deepEqual(shape(theirs, id), shape(nobodys, ghost), `${method} ${template}: a foreign order must look like a missing one`);
      }
      const own = await get(`/api/v1/orders/${id}`, alice.token);
      assert.equal(own.status, 200, 'the owner still sees it');
      const listed = await get('/api/v1/orders?limit=100', mallory.token);
      assert.ok(!listed.body.items.some((item: { id: string }) => item.id === id), "another customer's order is not in my list");
    });
  });

  describe('API2 broken authentication', () => {
    it('holds new passwords to 8–128 characters', async () => {
      const email = () => `pw-${randomUUID().slice(0, 8)}@example.com`;
      for (const password of ['', 'short', '7chars!', 'x'.repeat(129)]) {
        const answer = await write('POST', '/api/v1/auth/register', undefined, { email: email(), password: shop.secret(password), name: 'P' });
        assert.equal(answer.status, 400, `password of ${password.length}`);
        namesField(answer, 'body/password');
      }
      const ok = await write('POST', '/api/v1/auth/register', undefined, { email: email(), password: shop.secret('8 chars!'), name: 'P' });
      assert.equal(ok.status, 201);
    });

    it('answers a wrong password and an unknown account alike (no account discovery)', async () => {
      const wrongPassword = await write('POST', '/api/v1/auth/token', undefined, { email: alice.email, password: shop.secret('not-alices-password') });
      const unknownAccount = await write('POST', '/api/v1/auth/token', undefined, { email: `nobody-${randomUUID().slice(0, 8)}@example.com`, password: shop.secret('not-alices-password') });
      assert.equal(wrongPassword.status, 401);
      assert.deepEqual({ ...wrongPassword.body }, { ...unknownAccount.body });
      const taken = await write('POST', '/api/v1/auth/register', undefined, { email: alice.email, password: shop.secret('another-password'), name: 'A' });
      assert.equal(taken.status, 409, 'registering a taken email is the one place an account shows, as it must');
    });
  });

  describe('API3 broken object property level authorization', () => {
    it('refuses properties a client may not set: role, status, prices, ids, versions', async () => {
      const email = `mass-${randomUUID().slice(0, 8)}@example.com`;
      const register = await write('POST', '/api/v1/auth/register', undefined, { email, password: shop.secret('long-enough-password'), name: 'M', role: 'admin' });
      assert.equal(register.status, 400);
      namesField(register, 'body/role');
      const clean = await write('POST', '/api/v1/auth/register', undefined, { email, password: shop.secret('long-enough-password'), name: 'M' });
      assert.equal(clean.status, 201, 'the refused registration stored nothing');
      assert.equal(clean.body.role, 'customer');

      const product = (await get('/api/v2/products/p-mouse')).body;
      for (const [field, value] of [['id', 'p-cable'], ['version', 99], ['updatedAt', '2000-01-01T00:00:00Z'], ['sku', 'NEW'], ['currency', 'USD']] as const) {
        const answer = await write('PATCH', '/api/v1/products/p-mouse', admin, { name: 'Renamed', [field]: value });
        assert.equal(answer.status, 400, field);
        namesField(answer, `body/${field}`);
      }
      assert.deepEqual((await get('/api/v2/products/p-mouse')).body, product, 'the product is unchanged');

      const base = checkout([{ productId: 'p-cable', quantity: 1 }]);
      const attempts: Array<[unknown, string]> = [
        [{ ...base, status: 'SHIPPED' }, 'body/status'],
        [{ ...base, totalCents: 1 }, 'body/totalCents'],
        [{ ...base, userId: mallory.id }, 'body/userId'],
        [{ ...base, items: [{ productId: 'p-cable', quantity: 1, unitPriceCents: 1 }] }, 'body/items/0/unitPriceCents'],
        [{ ...base, items: [{ productId: 'p-cable', quantity: 1, priceCents: 1 }] }, 'body/items/0/priceCents'],
      ];
      const ordersBefore = (await get('/api/v1/orders?limit=100', alice.token)).body.items.length;
      for (const [body, field] of attempts) {
        const answer = await order(alice.token, body);
        assert.equal(answer.status, 400, field);
        namesField(answer, field);
      }
      const stock = await write('PUT', '/api/v1/inventory/p-mouse', admin, { onHand: 5, reserved: 0, shipped: 0 });
      assert.equal(stock.status, 400);
      namesField(stock, 'body/reserved');
      assert.equal((await get('/api/v1/orders?limit=100', alice.token)).body.items.length, ordersBefore, 'no order was created');
    });

    it('answers with no property a client should not see: no password hash, no card token', async () => {
      const card = shop.cardToken();
      const placed = await order(alice.token, checkout([{ productId: 'p-cable', quantity: 1 }], card));
      await shop.api.waitForStatus(alice.token, placed.body.id, ['CANCELLED', 'SHIPPED']);
      const me = await get('/api/v1/users/me', alice.token);
      assert.deepEqual(Object.keys(me.body).sort(), ['email', 'id', 'name', 'role']);
      const token = await write('POST', '/api/v1/auth/token', undefined, { email: alice.email, password: alice.password });
      assert.deepEqual(Object.keys(token.body).sort(), ['access_token', 'expires_in', 'token_type']);
      shop.secret(token.body.access_token);
      for (const path of [`/api/v1/orders/${placed.body.id}`, `/api/v1/orders/${placed.body.id}/details`, `/api/v1/payments/${placed.body.id}`, '/api/v1/orders']) {
        const answer = await get(path, alice.token);
        assert.ok(!answer.text.includes(card), `${path} shows the card token`);
        assert.doesNotMatch(answer.text, /scrypt\$|password/i, path);
      }
    });
  });

  describe('API4 unrestricted resource consumption', () => {
    it('refuses bodies over 64 KiB with 413 problem+json before any service sees them', async () => {
      const padding = 'x'.repeat(64 * 1024 + 1);
      for (const [path, token] of [['/api/v1/auth/token', undefined], ['/api/v1/auth/register', undefined], ['/api/v1/orders', alice.token], ['/api/v1/products', admin]] as const) {
        const answer = await write('POST', path, token, { email: 'a@example.com', padding }, { 'idempotency-key': randomUUID() });
        assert.equal(answer.status, 413, path);
        assertProblem(answer, path);
      }
    });

    it('caps page sizes, list lengths and quantities', async () => {
      for (const path of ['/api/v1/products?limit=101', '/api/v1/products?limit=100000', '/api/v1/products?limit=-1', '/api/v1/products?limit=0']) {
        const answer = await get(path);
        assert.equal(answer.status, 400, path);
        namesField(answer, 'querystring/limit');
      }
      assert.ok((await get('/api/v1/products?limit=100')).body.items.length <= 100);
      assert.equal((await get('/api/v1/orders?limit=101', alice.token)).status, 400);
      const many = await order(alice.token, checkout(Array.from({ length: 51 }, () => ({ productId: 'p-cable', quantity: 1 }))));
      assert.equal(many.status, 400);
      namesField(many, 'body/items');
    });

    it('refuses headers past the size limit and path parameters past theirs, as problem+json', async () => {
      const headers = await sendRaw(shop.url, `GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.equal(headers.status, 431);
      assert.match(headers.head, /content-type: application\/problem\+json/i);
      assert.equal(JSON.parse(headers.body).status, 431);
      const long = await get(`/api/v1/orders/${'o'.repeat(150)}`, alice.token);
      assert.equal(long.status, 414);
      assertProblem(long, 'long path parameter');
    });

    it('limits each caller to its rate and says when to come back (429 + Retry-After), without slowing others', async () => {
      const burst = await Promise.all(Array.from({ length: 160 }, () => get('/api/v1/orders?limit=1', mallory.token)));
      const limited = burst.filter((answer) => answer.status === 429);
      assert.ok(limited.length > 0, 'no request of the burst was limited');
      for (const answer of limited) {
        assertProblem(answer, 'rate limited');
        assert.ok(Number(answer.headers.get('retry-after')) >= 1, 'Retry-After in seconds');
      }
      assert.equal((await get('/api/v1/orders?limit=1', alice.token)).status, 200, 'another customer is not limited');
    });
  });

  describe('API5 broken function level authorization', () => {
    it('answers every admin operation and operator route with 401 without a token and 403 to a customer', async () => {
      const admins: Array<[string, string]> = OPERATOR_ROUTES.map(([method, path]) => [method, path]);
      for (const operation of operationsOf(document).filter((candidate) => candidate.secured)) {
        const path = operation.template.replace(/\{[^}]+\}/g, 'p-cable');
        const asCustomer = await send(shop.url, { method: operation.method, path, headers: { authorization: `Bearer ${alice.token}` } });
        if (asCustomer.status === 403) admins.push([operation.method, path]);
      }
      for (const id of ['inventory.listStock', 'inventory.setStock', 'catalog.createProduct', 'catalog.updateProduct', 'payments.ledgerTotals']) {
        const operation = operationsOf(document).find((candidate) => candidate.id === id)!;
        assert.ok(admins.some(([method, path]) => method === operation.method && new RegExp(`^${operation.template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path)), `${id} is admin only`);
      }
      for (const [method, path] of admins) {
        const body = method === 'GET' ? undefined : '{"latencyMs":0,"errorRate":1,"onHand":0,"name":"x","sku":"x","priceCents":1,"currency":"EUR"}';
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        const anonymous = await send(shop.url, { method, path, body, headers });
        assert.equal(anonymous.status, 401, `${method} ${path} without a token`);
        assertProblem(anonymous, `${method} ${path}`);
        const customer = await send(shop.url, { method, path, body, headers: { ...headers, authorization: `Bearer ${alice.token}` } });
        assert.equal(customer.status, 403, `${method} ${path} as a customer`);
        assertProblem(customer, `${method} ${path}`);
        const spoofed = await send(shop.url, { method, path, body, headers: { ...headers, 'x-agora-principal': '{"sub":"u-admin","role":"admin"}' } });
        assert.equal(spoofed.status, 401, `${method} ${path} with a principal header of its own`);
      }
      const services = await get('/api/v1/admin/services', admin);
      assert.ok(services.body.items.every((item: { faults: { errorRate: number } }) => item.faults.errorRate === 0), 'no refused request injected a fault');
    });
  });

  describe('API6 unrestricted access to sensitive business flows', () => {
    let productId: string;

    before(async () => {
      const created = await write('POST', '/api/v1/products', admin, { sku: `SEC-${randomUUID().slice(0, 6)}`, name: 'Scarce widget', priceCents: 1000, currency: 'EUR' });
      assert.equal(created.status, 201, created.text);
      productId = created.body.id;
    });

    const stockOf = async () => (await get('/api/v1/inventory', admin)).body.items.find((item: { productId: string }) => item.productId === productId);

    it('refuses negative, zero, fractional and absurd quantities', async () => {
      for (const quantity of [-1, 0, 0.5, 101, 1e9, '1', null]) {
        const answer = await order(alice.token, checkout([{ productId, quantity: quantity as number }]));
        assert.equal(answer.status, 400, `quantity ${quantity}`);
        namesField(answer, 'body/items/0/quantity');
      }
    });

    it('refuses an order whose total is more than an amount can hold, on every database', async () => {
      const luxury = await write('POST', '/api/v1/products', admin, { sku: `LUX-${randomUUID().slice(0, 6)}`, name: 'Gold-plated widget', priceCents: 100_000_000, currency: 'EUR' });
      assert.equal(luxury.status, 201);
      const answer = await order(alice.token, checkout([{ productId: luxury.body.id, quantity: 100 }]));
      assert.equal(answer.status, 422, answer.text);
      namesField(answer, 'body/items');
    });

    it('never sells more than is in stock: one big order, lines that add up past it, ten buyers racing for five', async () => {
      assert.equal((await write('PUT', `/api/v1/inventory/${productId}`, admin, { onHand: 3 })).status, 200);
      const big = await order(alice.token, checkout([{ productId, quantity: 4 }]));
      const split = await order(alice.token, checkout([{ productId, quantity: 2 }, { productId, quantity: 2 }]));
      for (const placed of [big, split]) {
        assert.equal(placed.status, 202);
        const final = await shop.api.waitForStatus(alice.token, placed.body.id, ['CANCELLED', 'SHIPPED']);
        assert.equal(final.status, 'CANCELLED');
        assert.match(final.reason, /out-of-stock/);
      }
      assert.deepEqual(await stockOf(), { productId, onHand: 3, reserved: 0, shipped: 0 });

      assert.equal((await write('PUT', `/api/v1/inventory/${productId}`, admin, { onHand: 5 })).status, 200);
      const racers = await Promise.all(Array.from({ length: 10 }, () => order(mallory.token, checkout([{ productId, quantity: 1 }]))));
      const finals = await Promise.all(racers.map((placed) => shop.api.waitForStatus(mallory.token, placed.body.id, ['CANCELLED', 'SHIPPED'], 30_000)));
      assert.equal(finals.filter((final) => final.status === 'SHIPPED').length, 5, 'exactly the five in stock were sold');
      await eventually(async () => JSON.stringify(await stockOf()) === JSON.stringify({ productId, onHand: 0, reserved: 0, shipped: 5 }), 10_000, 'stock 0 on hand, 5 shipped');
      for (const final of finals.filter((candidate) => candidate.status === 'CANCELLED')) {
        const payment = await get(`/api/v1/payments/${final.id}`, mallory.token);
        if (payment.status === 200) assert.notEqual(payment.body.status, 'captured', 'a cancelled order keeps no money');
      }
    });
  });

  describe('API7 server side request forgery', () => {
    it('takes no URL anywhere: the published API has no URL-valued field', () => {
      const text = JSON.stringify(document.paths);
      assert.doesNotMatch(text, /"format":"(uri|url|iri|uri-reference)"/);
      assert.doesNotMatch(text, /"(url|uri|callback\w*|webhook\w*|redirect\w*|imageUrl|avatar\w*)":/i);
    });

    it('fetches nothing it is handed: URLs in every text field and forwarding header never reach a recording server', async () => {
      const url = `${recorder.url}/ssrf`;
      const headers = { referer: url, origin: recorder.url, 'x-forwarded-host': recorder.url.slice(7), forwarded: `host=${recorder.url.slice(7)}`, 'x-original-url': url, 'x-rewrite-url': url, link: `<${url}>; rel="preload"`, 'x-callback-url': url };
      const customer = await write('POST', '/api/v1/auth/register', undefined, { email: `ssrf-${randomUUID().slice(0, 8)}@example.com`, password: shop.secret('long-enough-password'), name: url }, headers);
      assert.equal(customer.status, 201);
      const product = await write('POST', '/api/v1/products', admin, { sku: `SSRF-${randomUUID().slice(0, 6)}`, name: url, description: url, category: 'x', priceCents: 1, currency: 'EUR' }, headers);
      assert.equal(product.status, 201);
      const placed = await order(alice.token, { ...checkout([{ productId: 'p-cable', quantity: 1 }], url), shippingAddress: { name: url, line1: url, line2: url, city: url.slice(0, 100), postalCode: '1', country: 'NL' } }, url);
      assert.equal(placed.status, 202);
      await shop.api.waitForStatus(alice.token, placed.body.id, ['CANCELLED', 'SHIPPED']);
      await get(`/api/v1/products?cursor=${encodeURIComponent(url)}`, undefined, headers);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(recorder.requests, []);
    });
  });

  describe('API8 security misconfiguration', () => {
    it('sends nosniff on every answer, no-store on every signed-in one, and no banner or stack trace', async () => {
      const signedIn = [get('/api/v1/users/me', alice.token), get('/api/v1/orders', alice.token), get('/api/v1/inventory', admin), get('/api/v1/inventory', alice.token), get('/api/v1/orders/o-none', alice.token), write('POST', '/api/v1/orders', alice.token, {}, { 'idempotency-key': 'x' })];
      const anonymous = [get('/api/v1/products'), get('/api/v1/products/p-none'), get('/nowhere'), get('/api/v1/orders'), get('/openapi.json'), get('/healthz'), get('/docs/'), get('/api/v1/products/%zz'), write('POST', '/api/v1/auth/token', undefined, { email: 'x' })];
      for (const [answers, authenticated] of [[await Promise.all(signedIn), true], [await Promise.all(anonymous), false]] as const) {
        for (const answer of answers) {
          const context = `${answer.status} ${answer.text.slice(0, 80)}`;
          assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', context);
          assert.equal(answer.headers.get('x-powered-by'), null, context);
          assert.equal(answer.headers.get('server'), null, context);
          for (const banner of ['x-aspnet-version', 'x-runtime', 'x-version', 'via']) assert.equal(answer.headers.get(banner), null, `${banner}: ${context}`);
          if (authenticated) assert.equal(answer.headers.get('cache-control'), 'no-store', context);
          assertNoStackTrace(answer.text, context);
        }
      }
      const token = await write('POST', '/api/v1/auth/token', undefined, { email: alice.email, password: alice.password });
      assert.equal(token.headers.get('cache-control'), 'no-store', 'an access token is never cached');
      shop.secret(token.body.access_token);
    });

    it('keeps failures terse: a failing service answers 503 problem+json without a stack trace', async () => {
      assert.equal((await write('PUT', '/api/v1/admin/services/catalog/faults', admin, { latencyMs: 0, errorRate: 1 })).status, 200);
      try {
        // A product no earlier test read, so no cache in front of the catalog can answer for it.
        const failing = await get('/api/v2/products/p-headset');
        assert.ok(failing.status >= 500, `status ${failing.status}`);
        assertProblem(failing, 'injected fault');
        assert.equal(failing.headers.get('x-content-type-options'), 'nosniff');
      } finally {
        assert.equal((await write('PUT', '/api/v1/admin/services/catalog/faults', admin, { latencyMs: 0, errorRate: 0 })).status, 200);
      }
    });

    it('opens no cross-origin access and echoes no TRACE', async () => {
      const preflight = await send(shop.url, { method: 'OPTIONS', path: '/api/v1/orders', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
      const simple = await get('/api/v1/products', undefined, { origin: 'https://evil.example' });
      assert.equal(simple.headers.get('access-control-allow-origin'), null);
      const trace = await sendRaw(shop.url, 'TRACE /api/v1/products HTTP/1.1\r\nHost: x\r\nCookie: secret-cookie\r\nConnection: close\r\n\r\n');
      assert.notEqual(trace.status, 200);
      assert.ok(!trace.body.includes('secret-cookie'), 'TRACE reflected the request');
    });
  });

  describe('API9 improper inventory management', () => {
    it('answers every documented operation (no "no route")', async () => {
      for (const operation of operationsOf(document)) {
        const path = operation.template.replace(/\{[^}]+\}/g, 'p-cable');
        const answer = await send(shop.url, { method: operation.method, path, headers: { authorization: `Bearer ${admin}`, 'idempotency-key': randomUUID(), ...(operation.body ? { 'content-type': 'application/json' } : {}) }, body: operation.body ? '{}' : undefined });
        assert.ok(!(answer.status === 404 && /^no route/.test(answer.body?.detail ?? '')), `${operation.method} ${operation.template} is documented but not served`);
      }
    });

    it('answers 404 to every path it does not document: internal routes, other versions, guesses and random paths', async () => {
      const documented = documentedPath(document);
      const contracts: ApiContract[] = [identityApi, catalogApi, ordersApi, inventoryApi, paymentsApi, shippingApi, chassisApi];
      const internal = contracts.flatMap((contract) => Object.values(contract.routes).filter((route) => route.access === 'internal').map((route) => [route.method, route.path.replace(/:[A-Za-z]+/g, 'p-cable')] as [string, string]));
      assert.ok(internal.length >= 10, 'the internal routes of every service are probed');
      const guesses: Array<[string, string]> = [
        ...['/api', '/api/v1', '/api/v2', '/api/v0/products', '/api/v3/products', '/api/v2/orders', '/api/v1/users', '/api/v1/users/u-alice', '/api/v1/auth', '/api/v1/auth/users', '/api/v1/debug', '/api/v1/config', '/admin', '/graphql', '/swagger.json', '/api-docs', '/.env', '/.git/config', '/server-status', '/actuator/env', '/internal', '/api/v1/products.json', '/api/v1/products/p-cable/delete', '/openapi.yaml', '/API/V1/PRODUCTS', '//api/v1/products'].map((path) => ['GET', path] as [string, string]),
        ['DELETE', '/api/v1/products/p-cable'],
        ['PUT', '/api/v1/products/p-cable'],
        ['DELETE', '/api/v1/orders/o-x'],
        ['PATCH', '/api/v1/orders/o-x'],
        ['POST', '/api/v1/users/me'],
        ['DELETE', '/api/v1/users/me'],
        ['POST', '/api/v1/inventory'],
        ['POST', '/api/v1/auth/refresh'],
      ];
      const notServed = async (method: string, path: string) => {
        const answer = await send(shop.url, { method, path, headers: { authorization: `Bearer ${admin}` } });
        assert.equal(answer.status, 404, `${method} ${path} answered ${answer.status}`);
        assertProblem(answer, `${method} ${path}`);
      };
      for (const [method, path] of [...internal, ...guesses]) await notServed(method, path);
      const segment = fc.stringMatching(/^[a-z0-9._~-]{1,12}$/);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), fc.constantFrom('', '/api/v1', '/api/v2', '/internal/v1'), fc.array(segment, { minLength: 1, maxLength: 4 }), async (method, prefix, segments) => {
          const path = `${prefix}/${segments.join('/')}`;
          // Dot segments are resolved by the client before sending, so they name another path.
          fc.pre(!segments.some((part) => /^\.+$/.test(part)) && !documented(method, path) && !OPERATIONAL.some((pattern) => pattern.test(path)));
          await notServed(method, path);
        }),
        { numRuns: 150, seed: 8 },
      );
    });

    it('serves the operational endpoints it lists', async () => {
      for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs/']) assert.equal((await get(path)).status, 200, path);
    });
  });

  describe('API10 unsafe consumption of APIs', () => {
    it('parks malformed events from the bus as dead letters instead of crashing, and keeps serving', async () => {
      const lettersOf = async (service: string) => (await get(`/api/v1/admin/services/${service}/dead-letters`, admin)).body.items as Array<{ eventId: string; error: string }>;
      const lettersBefore = (await lettersOf('inventory')).length;
      const embedded = !existsSync(join(shop.shop.dataDir, 'connections.json'));
      const breaksSchema = JSON.stringify({ id: randomUUID(), type: 'order.created.v1', source: 'attacker', subject: 'o-x', time: new Date().toISOString(), data: { orderId: 'o-x', items: 'everything' } });
      await publishRaw(shop.shop, 'order.created.v1', breaksSchema);
      await publishRaw(shop.shop, 'order.created.v1', 'null');
      await publishRaw(shop.shop, 'order.created.v1', JSON.stringify({ type: 'order.created.v1', data: { orderId: 'o-y' } }));
      await publishRaw(shop.shop, 'order.created.v1', '{"id": "not json');
      // Embedded, the unreadable text is parked too; JetStream terminates what it cannot read as JSON.
      const expected = embedded ? 4 : 3;
      const letters = await eventually(async () => {
        const now = await lettersOf('inventory');
        return now.length >= lettersBefore + expected ? now : undefined;
      }, 15_000, `${expected} dead letters in inventory`);
      assert.ok(letters.some((letter) => letter.eventId === JSON.parse(breaksSchema).id && /userId|items/.test(letter.error)), JSON.stringify(letters));
      assert.ok(letters.some((letter) => letter.eventId.startsWith('malformed-')), 'a message with no id is parked under one derived from its content');
      assert.equal((await get('/healthz')).status, 200, 'the shop is still up');
      const placed = await order(alice.token, checkout([{ productId: 'p-cable', quantity: 1 }]));
      const final = await shop.api.waitForStatus(alice.token, placed.body.id, ['CANCELLED', 'SHIPPED'], 20_000);
      assert.equal(final.status, 'SHIPPED', 'the consumers behind the poison messages still work');
    });
  });

  describe('API2 broken authentication: sign-in throttling (last: it blocks this address)', () => {
    it('refuses an account with 429 + Retry-After after 10 failed sign-ins, even with the right password', async () => {
      const victim = await shop.customer('Victim');
      for (let attempt = 1; attempt <= 11; attempt++) {
        const answer = await write('POST', '/api/v1/auth/token', undefined, { email: victim.email, password: shop.secret(`guess-${attempt}`) });
        assert.equal(answer.status, 401, `attempt ${attempt}`);
      }
      const right = await write('POST', '/api/v1/auth/token', undefined, { email: victim.email, password: victim.password });
      assert.equal(right.status, 429);
      assertProblem(right, 'throttled account');
      assert.ok(Number(right.headers.get('retry-after')) >= 1);
    });

    it('refuses an address with 429 after 30 failed sign-ins across accounts (credential stuffing)', async () => {
      let refused: Answer | undefined;
      for (let attempt = 1; attempt <= 40 && !refused; attempt++) {
        const answer = await write('POST', '/api/v1/auth/token', undefined, { email: `stuffed-${attempt}@example.com`, password: shop.secret(`leaked-password-${attempt}`) });
        if (answer.status === 429) refused = answer;
        else assert.equal(answer.status, 401);
      }
      assert.ok(refused, 'no sign-in was throttled');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      const alicesTurn = await write('POST', '/api/v1/auth/token', undefined, { email: alice.email, password: alice.password });
      assert.equal(alicesTurn.status, 429, 'the address is refused for every account until it cools down');
    });
  });

  it('wrote none of the secrets it used into the logs', () => assertNothingLeaked(shop));
});
