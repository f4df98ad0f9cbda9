import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { InProcessTransport } from '../calls/transport.ts';
import { SignedTransport } from '../calls/signed-transport.ts';
import { AppError } from '../contract/problems.ts';
import { createServiceApp } from '../http/service-app.ts';
import { rootLogger } from '../telemetry/logger.ts';
import { generateServiceTokenKey, parseServiceTokenKey, ServiceTokens, SERVICE_TOKEN_HEADER } from './service-tokens.ts';

const key = generateServiceTokenKey();

/** Resolves to the refusal's problem code and status, or fails when the token is accepted. */
async function refusal(verifying: Promise<unknown>): Promise<string> {
  const error = await verifying.then(() => assert.fail('the token was accepted'), (caught: unknown) => caught);
  assert.ok(error instanceof AppError);
  return `${error.status} ${error.code}`;
}

describe('service tokens', () => {
  it('mints a token for one caller and one callee that the callee verifies', async () => {
    const tokens = new ServiceTokens({ key });
    const token = await tokens.token('orders', 'catalog');
    assert.deepEqual(await tokens.verify(token, 'catalog'), { issuer: 'orders' });
    const claims = decodeJwt(token);
    assert.equal(claims.exp! - claims.iat!, 60, 'lives 60 s');
  });

  it('reuses a token until shortly before it expires, then mints another', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const tokens = new ServiceTokens({ key, now: () => now });
    const first = await tokens.token('orders', 'catalog');
    now += 30_000;
    assert.equal(await tokens.token('orders', 'catalog'), first, 'reused at 30 s');
    assert.notEqual(await tokens.token('orders', 'payments'), first, 'another callee, another token');
    now += 20_000;
    assert.notEqual(await tokens.token('orders', 'catalog'), first, 'renewed at 50 s');
  });

  it('refuses a token for another service', async () => {
    const tokens = new ServiceTokens({ key });
    assert.equal(await refusal(tokens.verify(await tokens.token('orders', 'catalog'), 'payments')), '401 service-authentication');
  });

  it('refuses an expired token, once past its 60 s and the clock tolerance', async () => {
    let now = Date.now();
    const tokens = new ServiceTokens({ key, now: () => now });
    const token = await tokens.token('orders', 'catalog');
    now += 106_000;
    assert.equal(await refusal(tokens.verify(token, 'catalog')), '401 service-authentication');
  });

  it('refuses a token it verified before, once that token expired, and never for another service', async () => {
    let now = Date.now();
    const tokens = new ServiceTokens({ key, now: () => now });
    const token = await tokens.token('orders', 'catalog');
    assert.deepEqual(await tokens.verify(token, 'catalog'), { issuer: 'orders' });
    now += 59_000;
    assert.deepEqual(await tokens.verify(token, 'catalog'), { issuer: 'orders' }, 'still valid at 59 s');
    assert.equal(await refusal(tokens.verify(token, 'payments')), '401 service-authentication');
    now += 47_000;
    assert.equal(await refusal(tokens.verify(token, 'catalog')), '401 service-authentication');
  });

  it('accepts the tokens of a host whose clock is 30 s ahead or behind, for as long as it reuses each', async () => {
    for (const skewMs of [-30_000, 30_000]) {
      let now = Date.now();
      const caller = new ServiceTokens({ key, now: () => now + skewMs });
      const callee = new ServiceTokens({ key, now: () => now });
      const token = await caller.token('orders', 'payments');
      assert.deepEqual(await callee.verify(token, 'payments'), { issuer: 'orders' }, `fresh, ${skewMs} ms off`);
      // The caller renews 45 s after minting, on its own clock: 44 s on, it still sends this token.
      now += 44_000;
      assert.equal(await caller.token('orders', 'payments'), token);
      assert.deepEqual(await callee.verify(token, 'payments'), { issuer: 'orders' }, `44 s old, ${skewMs} ms off`);
    }
  });

  it('refuses the tokens of a host whose clock is a minute or more ahead', async () => {
    const caller = new ServiceTokens({ key, now: () => Date.now() + 60_000 });
    assert.equal(await refusal(new ServiceTokens({ key }).verify(await caller.token('orders', 'payments'), 'payments')), '401 service-authentication');
  });

  it('refuses a token signed with another key', async () => {
    const stranger = new ServiceTokens({ key: generateServiceTokenKey() });
    const tokens = new ServiceTokens({ key });
    assert.equal(await refusal(tokens.verify(await stranger.token('orders', 'catalog'), 'catalog')), '401 service-authentication');
  });

  it('refuses a missing, empty or unsigned token', async () => {
    const tokens = new ServiceTokens({ key });
    const [header, payload] = (await tokens.token('orders', 'catalog')).split('.');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const token of [undefined, '', unsigned, `${header}.${payload}.`, 'not-a-jwt']) {
      assert.equal(await refusal(tokens.verify(token, 'catalog')), '401 service-authentication', String(token));
    }
  });

  it('refuses a key that is not an Ed25519 private JWK, naming SERVICE_TOKEN_KEY', () => {
    const { d: _d, ...publicOnly } = JSON.parse(key) as Record<string, string>;
    for (const text of ['nope', '{"kty":"RSA"}', JSON.stringify(publicOnly), JSON.stringify({ ...publicOnly, d: 'AA' })]) {
      assert.throws(() => parseServiceTokenKey(text), /^Error: SERVICE_TOKEN_KEY: /, text);
    }
    assert.doesNotThrow(() => parseServiceTokenKey(key));
  });
});

describe('a service port with service tokens required', async () => {
  const tokens = new ServiceTokens({ key });
  const app = await createServiceApp({ service: 'catalog', description: 'test', contracts: [], logger: rootLogger(), readiness: async () => ({}), serviceTokens: tokens });
  app.get('/api/v1/products', async (request) => ({ principal: request.headers['x-agora-principal'] ?? null }));
  const direct = new InProcessTransport(app);
  const signed = new SignedTransport(direct, 'catalog', { tokens, issuer: 'gateway' });

  it('refuses a call without a token as 401 problem+json, even with a principal header', async () => {
    const attempts: Array<Record<string, string>> = [{}, { 'x-agora-principal': JSON.stringify({ sub: 'x', role: 'admin' }) }, { [SERVICE_TOKEN_HEADER]: 'forged' }];
    for (const headers of attempts) {
      const response = await direct.request({ method: 'GET', url: '/api/v1/products', headers });
      assert.equal(response.status, 401);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(JSON.parse(response.body).type, 'https://agora.dev/problems/service-authentication');
    }
  });

  it('refuses the OpenAPI document and unknown paths without a token, and answers probes and scrapes', async () => {
    assert.equal((await direct.request({ method: 'GET', url: '/openapi.json', headers: {} })).status, 401);
    assert.equal((await direct.request({ method: 'GET', url: '/nowhere', headers: {} })).status, 401);
    for (const url of ['/healthz', '/readyz', '/metrics']) assert.equal((await direct.request({ method: 'GET', url, headers: {} })).status, 200, url);
  });

  it('answers a call signed for it', async () => {
    const response = await signed.request({ method: 'GET', url: '/api/v1/products', headers: { 'x-agora-caller': 'orders' } });
    assert.equal(response.status, 200);
  });

  it('refuses a call signed for another service, which the caller reports as a 502 and not as the user\'s 401', async () => {
    const elsewhere = new SignedTransport(direct, 'payments', { tokens, issuer: 'gateway' });
    assert.equal((await direct.request({ method: 'GET', url: '/api/v1/products', headers: { [SERVICE_TOKEN_HEADER]: await tokens.token('gateway', 'payments') } })).status, 401);
    const error = await elsewhere.request({ method: 'GET', url: '/api/v1/products', headers: {} }).then(() => assert.fail('answered'), (caught: unknown) => caught);
    assert.ok(error instanceof AppError);
    assert.equal(error.status, 502);
    assert.match(error.message, /payments refused the service token of gateway/);
  });
});
