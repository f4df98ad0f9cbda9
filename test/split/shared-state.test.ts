import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectRedis, redisReady } from '@agora/chassis/redis';
import { ShopClient } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

describe('split topology: the gateway keeps shared state in Redis', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let admin: string;

  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'split', RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '500' });
    api = new ShopClient(shop.url);
    admin = await api.token('admin@example.com', 'admin-password');
  });
  after(() => shop.stop());

  it('serves catalog reads from the cache, and a price change is seen at once', async () => {
    const first = await api.request('GET', '/api/v1/products/p-mouse');
    const second = await api.request('GET', '/api/v1/products/p-mouse');
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.equal(second.headers.get('x-cache'), 'hit');
    assert.deepEqual(second.body, first.body);

    const changed = await api.request('PATCH', '/api/v1/products/p-mouse', { token: admin, body: { priceCents: first.body.priceCents + 100 } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const after = await api.request('GET', '/api/v1/products/p-mouse');
    assert.equal(after.headers.get('x-cache'), 'miss');
    assert.equal(after.body.priceCents, first.body.priceCents + 100);
  });

  it('counts a caller’s requests in Redis: the burst is the limit, with Retry-After', async () => {
    const customer = await api.newCustomer('Throttled');
    const answers = [];
    for (let i = 0; i < 510; i++) answers.push(await api.request('GET', '/api/v1/orders', { token: customer.token }));
    const refusals = answers.filter((answer) => answer.status === 429);
    const refused = refusals.length;
    assert.ok(refusals.every((answer) => Number(answer.headers.get('retry-after')) >= 1), 'every 429 says when to come back');
    assert.ok(refused >= 1 && refused <= 10, `${refused} of 510 refused with a burst of 500 and 1/s`);
    // The bucket lives in Redis (so every gateway instance draws on it), not in this gateway's memory.
    const { REDIS_URL } = JSON.parse(readFileSync(join(shop.dataDir, 'connections.json'), 'utf8')) as { REDIS_URL: string };
    const redis = connectRedis(REDIS_URL, 'test');
    try {
      await redisReady(redis);
      assert.ok((await redis.keys('agora:rate:user:*')).length >= 1);
    } finally {
      redis.disconnect();
    }
  });
});
