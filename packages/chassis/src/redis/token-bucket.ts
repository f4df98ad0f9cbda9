import type { Redis } from 'ioredis';

/**
 * One token bucket per key, refilled continuously, checked and taken in one atomic script on the
 * Redis server's clock (TIME), so every gateway instance shares the budget whatever its own clock
 * says. Idle buckets expire once they would be full again.
 * Returns {1, 0} when a token was taken, {0, ms until one is back} when not.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (math.max(0, now - at) / 1000) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, wait}
`;

interface BucketCommands {
  agoraTakeToken(key: string, perSecond: number, burst: number): Promise<[number, number]>;
}

export class RedisTokenBucket {
  readonly #redis: Redis & BucketCommands;
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #prefix: string;

  constructor(redis: Redis, options: { perSecond: number; burst: number; prefix: string }) {
    // defineCommand sends EVALSHA and loads the script on NOSCRIPT by itself.
    if (!('agoraTakeToken' in redis)) redis.defineCommand('agoraTakeToken', { numberOfKeys: 1, lua: TAKE });
    this.#redis = redis as Redis & BucketCommands;
    this.#perSecond = options.perSecond;
    this.#burst = options.burst;
    this.#prefix = options.prefix;
  }

  /** Takes a token for `key`: `{ allowed: true }`, or how long until one is back. Throws when Redis is unreachable. */
  async take(key: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const [allowed, wait] = await this.#redis.agoraTakeToken(`${this.#prefix}${key}`, this.#perSecond, this.#burst);
    return { allowed: allowed === 1, retryAfterMs: wait };
  }
}
