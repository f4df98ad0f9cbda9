import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../contract/api.ts';
import { identity } from '../service.ts';

describe('identity', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([identity]);
  });
  after(() => shop.stop());

  const token = (email: string, password: string) => shop.request('identity', { method: 'POST', url: '/api/v1/auth/token', body: { email, password } });

  it('registers a customer once, publishes user.registered.v1, and refuses the same email again', async () => {
    const body = { email: 'Bob@Example.com', password: 'long-enough', name: 'Bob' };
    const created = await shop.request('identity', { method: 'POST', url: '/api/v1/auth/register', body });
    assert.equal(created.status, 201);
    assert.equal(created.body.email, 'bob@example.com');
    assert.equal(created.body.role, 'customer');
    assert.equal('password' in created.body || 'password_hash' in created.body, false);
    const again = await shop.request('identity', { method: 'POST', url: '/api/v1/auth/register', body: { ...body, email: 'bob@example.com' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'body/email');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(shop.events('user.registered.v1').filter((event) => event.subject === created.body.id).length, 1);
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
    assert.ok(jwks.body.keys.every((key: Record<string, unknown>) => !('d' in key)), 'no private parts in the JWKS');
    const { payload, protectedHeader } = await jwtVerify(response.body.access_token, createLocalJWKSet(jwks.body), { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'u-alice');
    assert.equal(payload.role, 'customer');
    assert.ok(Math.abs(payload.exp! - payload.iat! - 900) <= 1);
  });

  it('answers a wrong password and an unknown email alike: 401 problem+json', async () => {
    const wrong = await token('alice@example.com', 'wrong-password');
    const unknown = await token('nobody@example.com', 'whatever-password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
    assert.match(String(wrong.headers['content-type']), /application\/problem\+json/);
  });

  it('shows the signed-in user', async () => {
    const me = await shop.request('identity', { method: 'GET', url: '/api/v1/users/me', principal: { sub: 'u-admin', role: 'admin' } });
    assert.deepEqual(me.body, { id: 'u-admin', email: 'admin@example.com', name: 'Admin', role: 'admin' });
    const anonymous = await shop.request('identity', { method: 'GET', url: '/api/v1/users/me' });
    assert.equal(anonymous.status, 401);
  });
});
