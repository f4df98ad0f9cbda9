// Shared state in Redis for the split topology's gateways; a separate entry so the embedded
// topology never loads the Redis client.
export { connectRedis, redisReady, type Redis } from './connection.ts';
export { RedisTokenBucket } from './token-bucket.ts';
export { RedisReadCache } from './read-cache.ts';
