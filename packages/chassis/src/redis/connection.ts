import { Redis } from 'ioredis';

/**
 * A Redis client for shared, disposable state (rate-limit buckets, read caches): commands fail at
 * once while Redis is away instead of queueing, so a caller can fall back to local state, and the
 * client keeps reconnecting in the background.
 */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(2_000, 50 * 2 ** attempt),
  });
}

export type { Redis };

/** Resolves once the client is connected (commands before that fail at once, by design). */
export function redisReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready in ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
