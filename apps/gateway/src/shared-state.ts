import { consumerName, type EventBus, type Logger, type SubscriptionHandle, metrics } from '@agora/chassis';
import { productChanged } from '@agora/catalog/contract/events';
import type { StoredResponse } from './idempotency.ts';
import { RateLimiter, rateLimited, type Limiter } from './rate-limit.ts';

/** How long a cached catalog answer may live even if an invalidation were missed. */
const CACHE_TTL_SECONDS = 30;
const WARN_EVERY_MS = 10_000;

export interface SharedState {
  limiter: Limiter;
  /** Another budget on the same Redis: its own keys, rate and burst (the sign-in throttle's). */
  budget(name: string, perSecond: number, burst: number): Limiter;
  cache: CatalogCache;
  stop(): Promise<void>;
}

/**
 * What several gateway instances share through Redis: the rate-limit buckets (a user's budget is the
 * same whichever instance answers) and the catalog read cache. Redis is a convenience, not a
 * dependency of serving: while it is away each instance limits on its own and reads go uncached.
 */
export async function connectSharedState(options: { redisUrl: string; perSecond: number; burst: number; bus?: EventBus; logger: Logger }): Promise<SharedState> {
  // Loaded only here: the embedded topology never loads the Redis client.
  const { connectRedis, redisReady, RedisReadCache, RedisTokenBucket } = await import('@agora/chassis/redis');
  let warnedAt = 0;
  const warn = (error: unknown, message: string, what?: string) => {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    options.logger.warn({ err: error, what }, message);
  };
  const degraded = (what: string, error: unknown) => {
    metrics.sharedStateFallbacks.inc({ service: 'gateway', what });
    warn(error, 'Redis unavailable; serving from local state', what);
  };
  const redis = connectRedis(options.redisUrl, 'agora-gateway', { onError: (error) => warn(error, 'Redis connection failed; reconnecting') });
  // Start connected when Redis is there; when it is not, start anyway on local state.
  await redisReady(redis, 2_000).catch((error) => options.logger.warn({ err: error }, 'Redis not reachable at start; serving from local state meanwhile'));
  const budget = (prefix: string, perSecond: number, burst: number): Limiter => {
    const bucket = new RedisTokenBucket(redis, { perSecond, burst, prefix });
    const local = new RateLimiter(perSecond, burst);
    return {
      async take(key) {
        let answer: { allowed: boolean; retryAfterMs: number };
        try {
          answer = await bucket.take(key);
        } catch (error) {
          degraded('rate-limit', error);
          return local.take(key);
        }
        if (!answer.allowed) throw rateLimited(perSecond, Math.max(1, Math.ceil(answer.retryAfterMs / 1000)));
      },
    };
  };
  const limiter = budget('agora:rate:', options.perSecond, options.burst);
  const cache = new CatalogCache(new RedisReadCache<StoredResponse>(redis, { prefix: 'agora:catalog:', ttlSeconds: CACHE_TTL_SECONDS }), degraded);
  // Any catalog change anywhere (not only writes through this gateway) empties the cache.
  const subscription: SubscriptionHandle | undefined = options.bus?.subscribe({
    consumer: consumerName('gateway', { name: 'catalog-cache' }),
    types: [productChanged.type],
    concurrency: 1,
    handle: () => cache.invalidate(),
  });
  return {
    limiter,
    budget: (name, perSecond, burst) => budget(`agora:${name}:`, perSecond, burst),
    cache,
    async stop() {
      await subscription?.stop();
      redis.disconnect();
    },
  };
}

/** Public catalog reads, cached whole (status 200 only) in Redis. */
export class CatalogCache {
  readonly #store: import('@agora/chassis/redis').RedisReadCache<StoredResponse>;
  readonly #degraded: (what: string, error: unknown) => void;

  constructor(store: import('@agora/chassis/redis').RedisReadCache<StoredResponse>, degraded: (what: string, error: unknown) => void) {
    this.#store = store;
    this.#degraded = degraded;
  }

  /** The cached answer, or fetches, caches and returns it; `hit` says which. */
  async read(url: string, fetch: () => Promise<StoredResponse>): Promise<{ response: StoredResponse; hit: boolean }> {
    let generation: string | undefined;
    try {
      const cached = await this.#store.get(url);
      if (cached.value) return { response: cached.value, hit: true };
      generation = cached.generation;
    } catch (error) {
      this.#degraded('cache', error);
    }
    const response = await fetch();
    if (generation !== undefined && response.status === 200) await this.#store.set(url, response, generation).catch((error) => this.#degraded('cache', error));
    return { response, hit: false };
  }

  /** Empties the cache for every instance. Throws while Redis is away, so product.changed.v1 is delivered again. */
  async invalidate(): Promise<void> {
    await this.#store.invalidate();
  }

  /** After a write through this gateway: the write stands whatever Redis says; the event and the TTL cover a miss. */
  async invalidateAfterWrite(): Promise<void> {
    await this.#store.invalidate().catch((error) => this.#degraded('cache', error));
  }
}
