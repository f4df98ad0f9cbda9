import { Redis } from 'ioredis';

/**
 * A Redis client for shared, disposable state (rate-limit buckets, read caches): commands fail at
 * once while Redis is away instead of queueing, so a caller can fall back to local state, and the
 * client keeps reconnecting in the background. Commands issued in the same tick (the rate-limit
 * checks of concurrent requests) leave in one write: auto-pipelining, same answers, far fewer
 * socket writes on both sides.
 */
export function connectRedis(url: string, name: string, options: { onError?: (error: Error) => void } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(2_000, 50 * 2 ** attempt),
    enableAutoPipelining: true,
  });
  // Without a listener ioredis prints every failed reconnect to stderr; callers see failures on their commands anyway.
  redis.on('error', options.onError ?? (() => undefined));
  return redis;
}

export type { Redis };

/** Resolves once the client is connected (commands before that fail at once, by design). */
export function redisReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', ready);
      reject(new Error(`Redis not ready in ${timeoutMs} ms`));
    }, timeoutMs);
    redis.once('ready', ready);
  });
}
