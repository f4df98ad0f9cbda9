import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertProblem, send } from './support/http.ts';
import { startRecorder, type Recorder } from './support/recorder.ts';
import { assertNothingLeaked, SecurityShop, type Customer } from './support/security-shop.ts';
import { attackerKeys, customerClaims, identitySigningKey, signHmac, signRsa, unsigned, type Claims, type Header } from './support/tokens.ts';

/** Attacks on bearer tokens (RFC 8725, JSON Web Token Best Current Practices): every one is a 401. */
describe('JWT attacks at the gateway', () => {
  let shop: SecurityShop;
  let recorder: Recorder;
  let customer: Customer;
  let real: { kid: string; privateKey: KeyObject };
  const attacker = attackerKeys();
  const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };

  /** Signed with identity's own key: the signature is good, so only the header or claims can be refused. */
  const withRealKey = (claims: Claims, header: Header = {}) => signRsa({ alg: 'RS256', typ: 'JWT', kid: real.kid, ...header }, claims, real.privateKey);
  const withAttackerKey = (claims: Claims, header: Header = {}) => signRsa({ alg: 'RS256', typ: 'JWT', kid: 'attacker', ...header }, claims, attacker.privateKey);

  async function assertRefused(token: string, what: string): Promise<void> {
    for (const path of ['/api/v1/users/me', '/api/v1/orders']) {
      const answer = await send(shop.url, { method: 'GET', path, headers: { authorization: `Bearer ${shop.secret(token)}` } });
      assert.equal(answer.status, 401, `${what} on ${path}: ${answer.status} ${answer.text}`);
      assertProblem(answer, what);
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/, `${what}: WWW-Authenticate`);
    }
  }

  before(async () => {
    recorder = await startRecorder();
    shop = await SecurityShop.start();
    customer = await shop.customer('Jwt');
    real = await identitySigningKey(shop.shop);
  });
  after(async () => {
    await shop?.stop();
    await recorder?.close();
  });

  it('accepts a token minted the way identity mints them (the forgeries below differ in one thing)', async () => {
    const answer = await send(shop.url, { method: 'GET', path: '/api/v1/users/me', headers: { authorization: `Bearer ${shop.secret(withRealKey(customerClaims(customer.id)))}` } });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.id, customer.id);
  });

  it('refuses alg "none" in every spelling', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) await assertRefused(unsigned({ alg, typ: 'JWT' }, customerClaims(customer.id)), `alg ${alg}`);
    // A real signature left on, the header switched to none.
    const [, payload, signature] = withRealKey(customerClaims(customer.id)).split('.');
    await assertRefused(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.${signature}`, 'none with a signature');
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const jwks = await send(shop.url, { method: 'GET', path: '/.well-known/jwks.json' });
    const jwk = jwks.body.keys.find((key: { kid: string }) => key.kid === real.kid);
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const secrets = [publicKey.export({ type: 'spki', format: 'pem' }), publicKey.export({ type: 'pkcs1', format: 'pem' }), JSON.stringify(jwk), Buffer.from(jwk.n, 'base64url')];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS384', 'HS512']) await assertRefused(signHmac({ alg, typ: 'JWT', kid: real.kid }, customerClaims(customer.id), secret as string | Buffer), `${alg} keyed with the public key`);
    }
  });

  it('pins RS256: the real key under RS384, RS512 or PS256 is refused', async () => {
    for (const alg of ['RS384', 'RS512', 'PS256']) await assertRefused(withRealKey(customerClaims(customer.id), { alg }), alg);
  });

  it('refuses an unknown kid, and kid values built to reach a file or a query', async () => {
    await assertRefused(withAttackerKey(customerClaims(customer.id)), 'unknown kid');
    const injections = ['../../../../../../dev/null', '/etc/passwd', "' OR '1'='1", "x' UNION SELECT private_jwk FROM signing_keys --", '\u0000', '%00', 'k'.repeat(10_000), ''];
    for (const kid of injections) {
      await assertRefused(withAttackerKey(customerClaims(customer.id), { kid }), `kid ${JSON.stringify(kid.slice(0, 30))}`);
      // The real key's signature under an injected kid: no lookup trick makes it match.
      await assertRefused(signRsa({ alg: 'RS256', typ: 'JWT', kid }, customerClaims(customer.id), real.privateKey), `real key, kid ${JSON.stringify(kid.slice(0, 30))}`);
    }
    // A kid that is not a string at all.
    for (const kid of [1, null, { $ne: null }, [real.kid]]) await assertRefused(withAttackerKey(customerClaims(customer.id), { kid }), `kid ${JSON.stringify(kid)}`);
  });

  it('refuses expired and not-yet-valid tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(withRealKey(customerClaims(customer.id, { iat: now - 3600, exp: now - 60 })), 'expired a minute ago');
    await assertRefused(withRealKey(customerClaims(customer.id, { iat: now - 7200, exp: now - 3600 })), 'expired an hour ago');
    await assertRefused(withRealKey(customerClaims(customer.id, { nbf: now + 3600 })), 'valid only in an hour');
    await assertRefused(withRealKey(customerClaims(customer.id, { exp: 'tomorrow' })), 'exp not a number');
  });

  it('refuses a wrong issuer, audience or type', async () => {
    await assertRefused(withRealKey(customerClaims(customer.id, { iss: 'https://evil.example/identity' })), 'wrong iss');
    await assertRefused(withRealKey(customerClaims(customer.id, { iss: undefined })), 'no iss');
    await assertRefused(withRealKey(customerClaims(customer.id, { aud: 'another-api' })), 'wrong aud');
    await assertRefused(withRealKey(customerClaims(customer.id, { aud: undefined })), 'no aud');
    for (const typ of ['JWS', 'id_token+jwt', 'secevent+jwt', 'at+jwt']) await assertRefused(withRealKey(customerClaims(customer.id), { typ }), `typ ${typ}`);
  });

  it('refuses tokens without the claims identity always sets, or with a role it never issues', async () => {
    await assertRefused(withRealKey(customerClaims(customer.id, { exp: undefined })), 'no exp (it would never expire)');
    await assertRefused(withRealKey(customerClaims(customer.id, { sub: undefined })), 'no sub');
    for (const role of [undefined, 'superadmin', 'Admin', ['admin']]) await assertRefused(withRealKey(customerClaims(customer.id, { role })), `role ${JSON.stringify(role)}`);
  });

  it('never fetches a key from jku, x5u or an embedded jwk (a recording server on 127.0.0.1 sees no request)', async () => {
    const claims = customerClaims(customer.id, { role: 'admin' });
    await assertRefused(withAttackerKey(claims, { jku: `${recorder.url}/jwks.json` }), 'jku');
    await assertRefused(withAttackerKey(claims, { jku: `${recorder.url}/jwks.json`, kid: real.kid }), 'jku with the real kid');
    await assertRefused(withAttackerKey(claims, { x5u: `${recorder.url}/cert.pem` }), 'x5u');
    await assertRefused(withAttackerKey(claims, { jwk: attackerJwk }), 'embedded jwk');
    await assertRefused(withAttackerKey(claims, { jwk: attackerJwk, kid: real.kid }), 'embedded jwk with the real kid');
    await assertRefused(withAttackerKey(claims, { x5c: ['MIIB'], jku: `${recorder.url}/a`, x5u: `${recorder.url}/b` }), 'x5c, jku and x5u');
    // Give a fetch time to arrive before looking.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(recorder.requests, []);
  });

  it('refuses a tampered payload, a swapped signature and a stripped one', async () => {
    const token = withRealKey(customerClaims(customer.id));
    const [header, payload, signature] = token.split('.');
    const reclaim = (changes: Claims) => Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), ...changes })).toString('base64url');
    await assertRefused(`${header}.${reclaim({ role: 'admin' })}.${signature}`, 'role raised');
    await assertRefused(`${header}.${reclaim({ sub: 'u-admin' })}.${signature}`, 'subject swapped');
    await assertRefused(`${header}.${reclaim({ exp: Math.floor(Date.now() / 1000) + 86_400 * 365 })}.${signature}`, 'expiry pushed out');
    await assertRefused(`${header}.${payload}.`, 'signature stripped');
    await assertRefused(`${header}.${payload}`, 'two parts');
    const other = withRealKey(customerClaims('u-alice'));
    await assertRefused(`${header}.${payload}.${other.split('.')[2]}`, "another token's signature");
    await assertRefused(`${token}.extra`, 'four parts');
    await assertRefused(`${header}.${payload}.${signature}A`, 'signature one character longer');
  });

  it('refuses an admin route to a customer token even when the header claims more', async () => {
    const token = withRealKey(customerClaims(customer.id), { role: 'admin', admin: true });
    const answer = await send(shop.url, { method: 'GET', path: '/api/v1/inventory', headers: { authorization: `Bearer ${shop.secret(token)}` } });
    assert.equal(answer.status, 403);
    assertProblem(answer, 'admin claim in the header');
  });

  it('takes the token from the Authorization header only', async () => {
    const token = shop.secret(withRealKey(customerClaims(customer.id)));
    for (const path of [`/api/v1/users/me?access_token=${token}`, `/api/v1/users/me?token=${token}`]) {
      const answer = await send(shop.url, { method: 'GET', path });
      assert.equal(answer.status, 401, path.slice(0, 40));
    }
    const cookie = await send(shop.url, { method: 'GET', path: '/api/v1/users/me', headers: { cookie: `access_token=${token}; token=${token}` } });
    assert.equal(cookie.status, 401);
  });

  // identity has no way to delete or disable a user (no route, no handler), so a "deleted user"
  // cannot exist; the nearest case is a well-signed token whose subject is unknown. It reaches no data.
  it('a good signature over an unknown subject reaches no one’s data', async () => {
    const token = shop.secret(withRealKey(customerClaims('u-nobody')));
    const me = await send(shop.url, { method: 'GET', path: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 404);
    assertProblem(me, 'unknown subject');
    const orders = await send(shop.url, { method: 'GET', path: '/api/v1/orders', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(orders.body.items, []);
  });

  it('wrote none of the tokens it forged into the logs', () => assertNothingLeaked(shop));
});
