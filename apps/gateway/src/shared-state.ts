import { type EventBus, type Logger, metrics } from '@agora/chassis';
import { CATALOG_CACHE_TTL_SECONDS, CatalogCache, invalidateOnProductChanges } from './catalog-cache.ts';
import type { StoredResponse } from './idempotency.ts';
import { RateLimiter, rateLimited, type Limiter } from './rate-limit.ts';

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
  const cache = new CatalogCache(new RedisReadCache<StoredResponse>(redis, { prefix: 'agora:catalog:', ttlSeconds: CATALOG_CACHE_TTL_SECONDS }), degraded);
  const subscription = options.bus ? invalidateOnProductChanges(options.bus, cache) : undefined;
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
