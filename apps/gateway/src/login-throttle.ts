import { createHash } from 'node:crypto';
import { AppError, problems, type RouteDefinition } from '@agora/chassis';
import type { GatewayConfig } from './config.ts';
import type { StoredResponse } from './idempotency.ts';
import { RateLimiter, type Limiter } from './rate-limit.ts';
import { identityApi } from './routes-table.ts';
import type { SharedState } from './shared-state.ts';

const MAX_BLOCKS = 100_000;

/** The route a password is tried on. */
export function isSignIn(route: RouteDefinition): boolean {
  return route === identityApi.routes.issueToken;
}

/** The account a sign-in names, lower-cased and hashed (no address book in memory or Redis); none if the body has none. */
function accountOf(rawBody: string | undefined): string | undefined {
  try {
    const email = (JSON.parse(rawBody ?? '') as { email?: unknown }).email;
    if (typeof email === 'string' && email.trim() !== '') return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
  } catch {
    // Not JSON: identity refuses it with 400, which costs no budget.
  }
  return undefined;
}

/**
 * Throttles password guessing and credential stuffing: failed sign-ins (401) are counted per
 * account and per client address, each in a token bucket of `limit` failures refilled over the
 * window (shared through Redis when the gateway has it). Past either budget, sign-ins for that
 * account or from that address get 429 with Retry-After, the right password included, without
 * reaching identity, so no key derivation is spent on them. A successful sign-in costs nothing.
 */
export class LoginThrottle {
  readonly #accounts: Limiter;
  readonly #addresses: Limiter;
  readonly #blockedUntil = new Map<string, number>();

  constructor(accounts: Limiter, addresses: Limiter) {
    this.#accounts = accounts;
    this.#addresses = addresses;
  }

  async attempt(address: string, rawBody: string | undefined, signIn: () => Promise<StoredResponse>): Promise<StoredResponse> {
    const account = accountOf(rawBody);
    const keys: Array<[Limiter, string]> = [[this.#addresses, `address:${address}`], ...(account ? [[this.#accounts, `account:${account}`] as [Limiter, string]] : [])];
    const now = Date.now();
    const blockedFor = Math.max(0, ...keys.map(([, key]) => (this.#blockedUntil.get(key) ?? 0) - now));
    if (blockedFor > 0) throw tooManyFailures(Math.ceil(blockedFor / 1000));
    const response = await signIn();
    if (response.status === 401) for (const [limiter, key] of keys) await this.#failed(limiter, key);
    return response;
  }

  async #failed(limiter: Limiter, key: string): Promise<void> {
    try {
      await limiter.take(key);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 429) throw error;
      const seconds = Number(error.options.headers?.['retry-after'] ?? 1);
      if (this.#blockedUntil.size >= MAX_BLOCKS) this.#blockedUntil.delete(this.#blockedUntil.keys().next().value!);
      this.#blockedUntil.set(key, Date.now() + seconds * 1000);
    }
  }
}

function tooManyFailures(retryAfterSeconds: number): AppError {
  return problems.rateLimited(`too many failed sign-ins for this account or from this address; retry in ${retryAfterSeconds} s`, { headers: { 'retry-after': String(retryAfterSeconds) } });
}

/** The gateway's throttle from its configuration: local buckets, or Redis-shared ones in the split topology. */
export function createLoginThrottle(config: GatewayConfig, shared: SharedState | undefined): LoginThrottle {
  const budget = (name: string, failures: number) => {
    const perSecond = failures / config.LOGIN_FAILURE_WINDOW_SECONDS;
    return shared?.budget(name, perSecond, failures) ?? new RateLimiter(perSecond, failures);
  };
  return new LoginThrottle(budget('login-account', config.LOGIN_FAILURES_PER_ACCOUNT), budget('login-address', config.LOGIN_FAILURES_PER_ADDRESS));
}
