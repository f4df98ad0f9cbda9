import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { problems, type Caller, type Principal } from '@agora/chassis';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, identityApi } from '@agora/identity/contract/api';

const CACHE_LIMIT = 10_000;
const JWKS_REFRESH_MS = 30_000;

/**
 * Verifies bearer tokens against identity's JWKS (RS256, typ, iss, aud, exp, nbf). Verified tokens are cached
 * until they expire, so the signature is checked once per token rather than once per request.
 */
export class TokenVerifier {
  readonly #caller: Caller;
  #keys: JWTVerifyGetKey | undefined;
  #keysFetchedAt = 0;
  readonly #verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(caller: Caller) {
    this.#caller = caller;
  }

  async #keySet(force = false): Promise<JWTVerifyGetKey> {
    if (!this.#keys || (force && Date.now() - this.#keysFetchedAt > JWKS_REFRESH_MS)) {
      const jwks = await this.#caller.call(identityApi, 'jwks', {});
      this.#keys = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
      this.#keysFetchedAt = Date.now();
    }
    return this.#keys;
  }

  async verify(authorization: string | undefined): Promise<Principal | undefined> {
    if (!authorization) return undefined;
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw problems.unauthorized('use "Authorization: Bearer <token>"', { headers: { 'www-authenticate': 'Bearer' } });
    const cached = this.#verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    try {
      const { payload } = await this.#verifyWithRefresh(token);
      if (typeof payload.sub !== 'string' || (payload.role !== 'customer' && payload.role !== 'admin')) throw new errors.JWTClaimValidationFailed('sub and role are required', payload);
      const principal: Principal = { sub: payload.sub, role: payload.role };
      if (this.#verified.size >= CACHE_LIMIT) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(token, { principal, expiresAt: (payload.exp ?? 0) * 1000 });
      return principal;
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        const reason = error instanceof errors.JWTExpired ? 'the token has expired' : 'the token is not valid';
        throw problems.unauthorized(reason, { headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` } });
      }
      throw error;
    }
  }

  async #verifyWithRefresh(token: string) {
    // Pinned: only RS256 (no `none`, no HMAC keyed with the public key), only tokens typed as JWT,
    // and never one without an expiry.
    const options = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: ['RS256'], typ: 'JWT', requiredClaims: ['exp', 'sub'] };
    try {
      return await jwtVerify(token, await this.#keySet(), options);
    } catch (error) {
      // A key rotated since the last fetch: look again, at most every 30 s.
      if (error instanceof errors.JWKSNoMatchingKey) return jwtVerify(token, await this.#keySet(true), options);
      throw error;
    }
  }
}
