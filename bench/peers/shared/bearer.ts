// The edge's token check, the same as Agora's gateway (apps/gateway/src/auth.ts): RS256 only, typed
// JWT, issuer, audience and expiry required, a role of customer or admin; a verified token is
// remembered until it expires, so its signature is checked once rather than on every request.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

export const TOKEN_ISSUER = 'https://agora.dev/identity';
export const TOKEN_AUDIENCE = 'agora-api';
const CACHE_LIMIT = 10_000;

export interface Principal {
  sub: string;
  role: 'customer' | 'admin';
}

/** Resolves to the principal of a valid `Bearer` header, or undefined (the edge answers 401). */
export function bearerVerifier(jwks: JSONWebKeySet): (authorization: string | undefined) => Promise<Principal | undefined> {
  const keys = createLocalJWKSet(jwks);
  const verified = new Map<string, { principal: Principal; expiresAt: number }>();
  const options = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: ['RS256'], typ: 'JWT', requiredClaims: ['exp', 'sub'] };
  return async (authorization) => {
    if (!authorization) return undefined;
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
    const cached = verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    try {
      const { payload } = await jwtVerify(token, keys, options);
      if (typeof payload.sub !== 'string' || (payload.role !== 'customer' && payload.role !== 'admin')) return undefined;
      const principal: Principal = { sub: payload.sub, role: payload.role };
      if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal, expiresAt: (payload.exp ?? 0) * 1000 });
      return principal;
    } catch {
      return undefined;
    }
  };
}

/** The key set the harness hands every peer (BENCH_JWKS). */
export function jwksFromEnv(): JSONWebKeySet {
  const text = process.env.BENCH_JWKS;
  if (!text) throw new Error('BENCH_JWKS is not set');
  return JSON.parse(text) as JSONWebKeySet;
}
