import type { Redis } from 'ioredis';

/**
 * A read-through cache of whole responses, shared by every gateway instance. Entries are keyed by
 * a generation number: invalidating bumps the generation (one INCR, atomic, no key scans), and the
 * entries of older generations are never read again and expire on their TTL.
 */
export class RedisReadCache<T> {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, options: { prefix: string; ttlSeconds: number }) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#ttlSeconds = options.ttlSeconds;
  }

  async #generation(): Promise<string> {
    return (await this.#redis.get(`${this.#prefix}generation`)) ?? '0';
  }

  async get(key: string): Promise<{ value: T | undefined; generation: string }> {
    const generation = await this.#generation();
    const stored = await this.#redis.get(`${this.#prefix}${generation}:${key}`);
    return { value: stored === null ? undefined : (JSON.parse(stored) as T), generation };
  }

  /** Stores under the generation read before the value was fetched: a value fetched across an invalidation lands in a dead generation. */
  async set(key: string, value: T, generation: string): Promise<void> {
    await this.#redis.set(`${this.#prefix}${generation}:${key}`, JSON.stringify(value), 'EX', this.#ttlSeconds);
  }

  async invalidate(): Promise<void> {
    await this.#redis.incr(`${this.#prefix}generation`);
  }
}
