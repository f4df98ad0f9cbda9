import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRedis, type LocalRedis } from '@agora/infra';
import { eventually } from '../testing/index.ts';
import { connectRedis, redisReady, RedisReadCache, RedisTokenBucket, type Redis } from './index.ts';

describe('shared state in Redis', () => {
  let dataDir: string;
  let server: LocalRedis;
  let one: Redis;
  let two: Redis;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-redis-'));
    server = await startRedis(dataDir);
    one = connectRedis(server.url, 'test-one');
    two = connectRedis(server.url, 'test-two');
    await Promise.all([redisReady(one), redisReady(two)]);
  });
  after(async () => {
    one.disconnect();
    two.disconnect();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('two token buckets on one Redis share one budget, and say when a token is back', async () => {
    const options = { perSecond: 2, burst: 5, prefix: `test:${Date.now()}:` };
    const first = new RedisTokenBucket(one, options);
    const second = new RedisTokenBucket(two, options);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await (i % 2 ? second : first).take('user:alice'));
    assert.deepEqual(answers.map((answer) => answer.allowed), [true, true, true, true, true, false]);
    assert.ok(answers[5]!.retryAfterMs > 0 && answers[5]!.retryAfterMs <= 500, `retry after ${answers[5]!.retryAfterMs} ms`);
    assert.equal((await first.take('user:bob')).allowed, true, 'another key has its own bucket');
    const ttl = await one.pttl(`${options.prefix}user:alice`);
    assert.ok(ttl > 0 && ttl <= 3_500, `an idle bucket expires once full again (pttl ${ttl})`);
  });

  it('an idle bucket is gone once full again, and a flushed script is loaded again', async () => {
    const prefix = `test:${Date.now()}:`;
    const bucket = new RedisTokenBucket(one, { perSecond: 1_000, burst: 2, prefix });
    assert.equal((await bucket.take('idle')).allowed, true);
    const key = `${prefix}idle`;
    assert.equal(await one.exists(key), 1);
    await eventually(async () => (await one.exists(key)) === 0, 3_000, 'the idle bucket to expire');
    // Redis restarted or scripts flushed: EVALSHA answers NOSCRIPT and the script is sent again.
    await one.script('FLUSH');
    assert.equal((await bucket.take('idle')).allowed, true);
  });

  it('a read cache serves what was stored until invalidated, and drops a value fetched across an invalidation', async () => {
    const prefix = `cache:${Date.now()}:`;
    const writer = new RedisReadCache<{ body: string }>(one, { prefix, ttlSeconds: 30 });
    const reader = new RedisReadCache<{ body: string }>(two, { prefix, ttlSeconds: 30 });
    const miss = await reader.get('/products/p-1');
    assert.equal(miss.value, undefined);
    await writer.set('/products/p-1', { body: 'v1' }, miss.generation);
    assert.deepEqual((await reader.get('/products/p-1')).value, { body: 'v1' });

    const stale = await reader.get('/products/p-2');
    await writer.invalidate();
    assert.equal((await reader.get('/products/p-1')).value, undefined, 'invalidated for every instance');
    await reader.set('/products/p-2', { body: 'fetched before the change' }, stale.generation);
    assert.equal((await writer.get('/products/p-2')).value, undefined, 'a value fetched before the change is never served');
  });
});
