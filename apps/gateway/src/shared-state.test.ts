import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, SqliteEventBus, rootLogger } from '@agora/chassis';
import { eventually } from '@agora/chassis/testing';
import { productChanged } from '@agora/catalog/contract/events';
import { startRedis, type LocalRedis } from '@agora/infra';
import { connectSharedState, type SharedState } from './shared-state.ts';

process.env.LOG_LEVEL ??= 'silent';
const logger = rootLogger();

async function refusals(limiter: SharedState['limiter'], key: string, count: number): Promise<number> {
  let refused = 0;
  for (let i = 0; i < count; i++) {
    try {
      await limiter.take(key);
    } catch (error) {
      assert.ok(error instanceof AppError && error.status === 429);
      refused++;
    }
  }
  return refused;
}

describe('gateway state shared through Redis', () => {
  let dataDir: string;
  let redis: LocalRedis;
  let bus: SqliteEventBus;
  let one: SharedState;
  let two: SharedState;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-shared-'));
    redis = await startRedis(dataDir);
    bus = new SqliteEventBus({ path: join(dataDir, 'bus.db') });
    one = await connectSharedState({ redisUrl: redis.url, perSecond: 1, burst: 4, bus, logger });
    two = await connectSharedState({ redisUrl: redis.url, perSecond: 1, burst: 4, logger });
  });
  after(async () => {
    await one.stop();
    await two.stop();
    await bus.close();
    await redis.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('two gateway instances share one rate-limit budget per caller', async () => {
    const key = `user:${randomUUID()}`;
    assert.equal(await refusals(one.limiter, key, 2), 0);
    assert.equal(await refusals(two.limiter, key, 2), 0);
    assert.equal(await refusals(one.limiter, key, 1), 1, 'the fifth request is refused, whichever instance takes it');
    assert.equal(await refusals(two.limiter, key, 1), 1);
  });

  it('caches catalog reads for every instance until product.changed.v1 arrives from anywhere', async () => {
    let fetched = 0;
    const fetch = async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: ++fetched }) });
    const url = `/api/v1/products/${randomUUID()}`;
    assert.equal((await one.cache.read(url, fetch)).hit, false);
    const second = await two.cache.read(url, fetch);
    assert.equal(second.hit, true);
    assert.equal(second.response.body, JSON.stringify({ n: 1 }));

    await bus.publish([{ id: randomUUID(), type: productChanged.type, source: 'catalog', subject: 'p-x', time: new Date().toISOString(), data: {} }]);
    await eventually(async () => (await two.cache.read(url, fetch)).hit === false, 5_000, 'the cache to be emptied by the event');
    assert.equal(fetched, 2);
  });

  it('with Redis gone, limits locally and reads uncached instead of failing', async () => {
    await redis.stop();
    const key = `user:${randomUUID()}`;
    assert.equal(await refusals(one.limiter, key, 5), 1, 'the local bucket still refuses the burst + 1st');
    let fetched = 0;
    const read = await one.cache.read('/api/v1/products', async () => ({ status: 200, headers: {}, body: String(++fetched) }));
    assert.deepEqual([read.hit, read.response.body], [false, '1']);
  });
});
