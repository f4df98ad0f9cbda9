import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ConfigError, loadConfig } from '@agora/chassis';
import { eventually, startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../contract/api.ts';
import { identity } from '../service.ts';

describe('identity', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([identity]);
  });
  after(() => shop.stop());

  const token = (email: string, password: string) => shop.request('identity', { method: 'POST', url: '/api/v1/auth/token', body: { email, password } });
  const verify = async (accessToken: string) => {
    const jwks = await shop.request('identity', { method: 'GET', url: '/.well-known/jwks.json' });
    return jwtVerify(accessToken, createLocalJWKSet(jwks.body), { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: ['RS256'] });
  };

  it('registers a customer once, publishes user.registered.v1, and refuses the same email again', async () => {
    const body = { email: 'Bob@Example.com', password: 'long-enough', name: 'Bob' };
    const created = await shop.request('identity', { method: 'POST', url: '/api/v1/auth/register', body });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, '/api/v1/users/me');
    assert.equal(created.body.email, 'bob@example.com');
    assert.equal(created.body.role, 'customer');
    assert.equal('password' in created.body || 'password_hash' in created.body, false);
    const event = await eventually(() => shop.events('user.registered.v1').find((e) => e.subject === created.body.id), 3_000, 'user.registered.v1');
    assert.deepEqual(event.data, { userId: created.body.id, email: 'bob@example.com', name: 'Bob' });
    // Another case of the same address is the same account.
    const again = await shop.request('identity', { method: 'POST', url: '/api/v1/auth/register', body: { ...body, email: 'bob@example.com' } });
    assert.equal(again.status, 409);
    assert.match(String(again.headers['content-type']), /application\/problem\+json/);
    assert.deepEqual(again.body.errors, [{ field: 'body/email', message: 'is already registered' }]);
    // The new account can sign in at once, with the email in any case.
    assert.equal((await token('BOB@example.com', 'long-enough')).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(shop.events('user.registered.v1').filter((e) => e.subject === created.body.id).length, 1, 'the refused duplicate published nothing');
  });

  it('refuses passwords shorter than 8 characters, naming the field', async () => {
    const response = await shop.request('identity', { method: 'POST', url: '/api/v1/auth/register', body: { email: 'c@example.com', password: 'short', name: 'C' } });
    assert.equal(response.status, 400);
    assert.ok(response.body.errors.some((error: { field: string }) => error.field === 'body/password'));
  });

  it('issues an RS256 token that verifies against the JWKS with iss, aud, exp, sub and role', async () => {
    const response = await token('alice@example.com', 'alice-password');
    assert.equal(response.status, 200);
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, 900);
    const jwks = await shop.request('identity', { method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(jwks.body.keys.length, 1);
    const [key] = jwks.body.keys;
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], 'public parts only');
    assert.equal(decodeProtectedHeader(response.body.access_token).kid, key.kid);
    const { payload, protectedHeader } = await verify(response.body.access_token);
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'u-alice');
    assert.equal(payload.role, 'customer');
    assert.equal(payload.email, 'alice@example.com');
    assert.equal(typeof payload.jti, 'string');
    assert.ok(Math.abs(payload.exp! - payload.iat! - 900) <= 1);
    assert.ok(Math.abs(payload.iat! - Date.now() / 1000) <= 5);
  });

  it('signs every token with the same stored key, and gives the admin the admin role', async () => {
    const tokens = await Promise.all([token('admin@example.com', 'admin-password'), token('alice@example.com', 'alice-password')]);
    const kids = new Set(tokens.map((response) => decodeProtectedHeader(response.body.access_token).kid));
    assert.equal(kids.size, 1);
    assert.equal((await verify(tokens[0].body.access_token)).payload.role, 'admin');
  });

  it('answers a wrong password and an unknown email alike: 401 problem+json', async () => {
    const wrong = await token('alice@example.com', 'wrong-password');
    const unknown = await token('nobody@example.com', 'whatever-password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, 'email or password is wrong');
    assert.deepEqual(unknown.body, wrong.body);
    assert.match(String(wrong.headers['content-type']), /application\/problem\+json/);
  });

  it('shows the signed-in user, and no one without a principal', async () => {
    const me = await shop.request('identity', { method: 'GET', url: '/api/v1/users/me', principal: { sub: 'u-alice', role: 'customer' } });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { id: 'u-alice', email: 'alice@example.com', name: 'Alice', role: 'customer' });
    const admin = await shop.request('identity', { method: 'GET', url: '/api/v1/users/me', principal: { sub: 'u-admin', role: 'admin' } });
    assert.deepEqual(admin.body, { id: 'u-admin', email: 'admin@example.com', name: 'Admin', role: 'admin' });
    const gone = await shop.request('identity', { method: 'GET', url: '/api/v1/users/me', principal: { sub: 'u-nobody', role: 'customer' } });
    assert.equal(gone.status, 404);
    const anonymous = await shop.request('identity', { method: 'GET', url: '/api/v1/users/me' });
    assert.equal(anonymous.status, 401);
  });
});

describe('identity config', () => {
  it('takes the token lifetime from TOKEN_TTL_SECONDS, and makes one key when the first requests race', async () => {
    const shop = await startTestSystem([identity], { env: { TOKEN_TTL_SECONDS: '120' } });
    try {
      const credentials = { email: 'alice@example.com', password: 'alice-password' };
      const [first, second, jwks] = await Promise.all([
        shop.request('identity', { method: 'POST', url: '/api/v1/auth/token', body: credentials }),
        shop.request('identity', { method: 'POST', url: '/api/v1/auth/token', body: credentials }),
        shop.request('identity', { method: 'GET', url: '/.well-known/jwks.json' }),
      ]);
      assert.equal(first.body.expires_in, 120);
      assert.equal(jwks.body.keys.length, 1);
      for (const response of [first, second]) assert.equal(decodeProtectedHeader(response.body.access_token).kid, jwks.body.keys[0].kid);
    } finally {
      await shop.stop();
    }
  });

  it('refuses a lifetime out of range at start, naming the variable', () => {
    assert.equal(loadConfig(identity.config, {}).TOKEN_TTL_SECONDS, 900);
    assert.throws(() => loadConfig(identity.config, { TOKEN_TTL_SECONDS: '5' }), ConfigError);
    assert.throws(() => loadConfig(identity.config, { TOKEN_TTL_SECONDS: 'soon' }), /TOKEN_TTL_SECONDS/);
  });
});
