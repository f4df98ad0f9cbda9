import { problems } from '@agora/chassis';

interface Bucket {
  tokens: number;
  refilledAt: number;
}

const MAX_BUCKETS = 100_000;

/** Takes one request's token for a caller, or throws 429. Local, or shared through Redis (shared-state.ts). */
export interface Limiter {
  take(key: string): void | Promise<void>;
}

export function rateLimited(perSecond: number, retryAfterSeconds: number) {
  return problems.rateLimited(`rate limit of ${perSecond}/s exceeded; retry in ${retryAfterSeconds} s`, { headers: { 'retry-after': String(retryAfterSeconds) } });
}

/**
 * Token bucket per caller: `burst` requests at once, refilled at `perSecond`. A refused request gets
 * 429 with Retry-After saying when one token will be back.
 */
export class RateLimiter implements Limiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perSecond: number;
  readonly #burst: number;

  constructor(perSecond: number, burst: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
  }

  take(key: string, now = performance.now()): void {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = { tokens: this.#burst, refilledAt: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.#perSecond);
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perSecond));
    throw rateLimited(this.#perSecond, retryAfter);
  }
}
