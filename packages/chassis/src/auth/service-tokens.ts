import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { defineProblem } from '../contract/problems.ts';

/**
 * Service-to-service authentication of the split topology: every HTTP call between processes
 * carries a short-lived signed token (EdDSA/Ed25519 JWT, `iss` the caller, `aud` the callee), and a
 * service port answers only requests whose token verifies.
 *
 * Why signed tokens and not mTLS from a local CA: they work unchanged wherever an Agora process
 * runs (the supervisor's children, `agora serve` by hand, containers behind any proxy or mesh),
 * they need no certificate rotation or TLS termination in the app, and a mesh that does mTLS
 * (deploy/k8s/components/linkerd-mtls) adds transport security beside them instead of replacing
 * them. One key pair per deployment, made by the supervisor at start (SERVICE_TOKEN_KEY): every
 * process both calls and is called, so each needs the private key anyway, and per-service keys
 * would only add a key set to distribute without stopping a process that holds its own key.
 */
export const SERVICE_TOKEN_HEADER = 'x-agora-service-token';

/** Refusals name service authentication, so an operator tells them from a user's missing bearer token. */
export const serviceUnauthenticated = defineProblem('service-authentication', 401, 'Service authentication required');

/** 60 s: a leaked token is soon useless; a caller reuses one until 15 s before it expires. */
const LIFETIME_S = 60;
const RENEW_BEFORE_S = 15;
/**
 * Clocks of two hosts may disagree this much. Time sync keeps hosts within milliseconds, but one
 * whose sync stalled (a resumed VM, a node without NTP) drifts tens of seconds before an alert
 * fires; with 5 s, a host 30 s off was refused by every peer and refused them all. Up to ±30 s is
 * tolerated (45 s covers it with whole-second claims and transit); a token stays usable at most
 * 60 + 45 s.
 */
const CLOCK_TOLERANCE_S = 45;
const ALGORITHM = 'EdDSA';
/** Verified tokens kept: a handful of callers per callee, each renewing every 45 s, use a few. */
const VERIFIED_LIMIT = 1_000;

/** A new deployment key: an Ed25519 private JWK, as the text SERVICE_TOKEN_KEY holds. */
export function generateServiceTokenKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return JSON.stringify(privateKey.export({ format: 'jwk' }));
}

/** Reads SERVICE_TOKEN_KEY; throws a message naming what is wrong (the config check reports it). */
export function parseServiceTokenKey(text: string): KeyObject {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('SERVICE_TOKEN_KEY: not JSON (an Ed25519 private JWK is expected)');
  }
  if (jwk === null || typeof jwk !== 'object' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new Error('SERVICE_TOKEN_KEY: not an Ed25519 private JWK (kty OKP, crv Ed25519, d and x)');
  }
  try {
    return createPrivateKey({ key: jwk as { kty: string }, format: 'jwk' });
  } catch {
    throw new Error('SERVICE_TOKEN_KEY: the key does not load');
  }
}

export interface ServiceTokensOptions {
  /** The deployment key (SERVICE_TOKEN_KEY's text, or loaded). */
  key: string | KeyObject;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/** Mints this process' tokens (cached per caller and callee) and verifies the tokens of its callers. */
export class ServiceTokens {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #now: () => number;
  readonly #minted = new Map<string, { token: Promise<string>; renewAt: number }>();
  /**
   * Tokens that verified, per audience, until they expire. A caller reuses a token for 45 s, so the
   * signature is checked once per caller and renewal instead of on every request (an Ed25519 check
   * through jose was about a fifth of a service's CPU). Until `exp` the signature, audience and age
   * cannot have become wrong; past it, the token goes through every check again.
   */
  readonly #verified = new Map<string, { issuer: string; expiresAtMs: number }>();

  constructor(options: ServiceTokensOptions) {
    this.#privateKey = typeof options.key === 'string' ? parseServiceTokenKey(options.key) : options.key;
    this.#publicKey = createPublicKey(this.#privateKey);
    this.#now = options.now ?? Date.now;
  }

  /** A token for `issuer` calling `audience`, reused until shortly before it expires. */
  token(issuer: string, audience: string): Promise<string> {
    const now = this.#seconds();
    const key = `${issuer}\u0000${audience}`;
    const cached = this.#minted.get(key);
    if (cached && cached.renewAt > now) return cached.token;
    const token = new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + LIFETIME_S)
      .sign(this.#privateKey);
    this.#minted.set(key, { token, renewAt: now + LIFETIME_S - RENEW_BEFORE_S });
    token.catch(() => this.#minted.delete(key));
    return token;
  }

  /** The verified caller of a request to `audience`; a missing or bad token is a 401 service-authentication. */
  async verify(token: string | string[] | undefined, audience: string): Promise<{ issuer: string }> {
    if (typeof token !== 'string' || token === '') throw serviceUnauthenticated(`a service token (${SERVICE_TOKEN_HEADER}) is required`);
    const cacheKey = `${audience}\u0000${token}`;
    const verified = this.#verified.get(cacheKey);
    if (verified && verified.expiresAtMs > this.#now()) return { issuer: verified.issuer };
    this.#verified.delete(cacheKey);
    try {
      const { payload } = await jwtVerify(token, this.#publicKey, {
        algorithms: [ALGORITHM],
        typ: 'JWT',
        audience,
        requiredClaims: ['iss', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_S,
        maxTokenAge: LIFETIME_S + CLOCK_TOLERANCE_S,
        currentDate: new Date(this.#now()),
      });
      if (this.#verified.size >= VERIFIED_LIMIT) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(cacheKey, { issuer: payload.iss!, expiresAtMs: payload.exp! * 1000 });
      return { issuer: payload.iss! };
    } catch {
      // The answer does not say which check failed: a stranger learns nothing from probing.
      throw serviceUnauthenticated('the service token is not valid for this service');
    }
  }

  #seconds(): number {
    return Math.floor(this.#now() / 1000);
  }
}
