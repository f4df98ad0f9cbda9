import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installProblemHandlers, registry, rootLogger, type EventBus, type Subscription, type TransportRequest } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import { startRedis, type LocalRedis } from '@agora/infra';
import type { TokenVerifier } from './auth.ts';
import type { IdempotencyStore } from './idempotency.ts';
import { registerProxyRoutes } from './proxy.ts';
import { localCatalogCache } from './catalog-cache.ts';
import { RateLimiter } from './rate-limit.ts';
import { connectSharedState, type SharedState } from './shared-state.ts';

process.env.LOG_LEVEL ??= 'silent';
const logger = rootLogger();

/** A catalog that answers every request with its current price; a write sets the price. */
function fakeCatalog() {
  const state = { priceCents: 100 };
  const transport = {
    async request(request: TransportRequest) {
      // The proxy forwards a HEAD as it came, whatever the transport's method type says.
      const method: string = request.method;
      if (method !== 'GET' && method !== 'HEAD') state.priceCents = (JSON.parse(String(request.rawBody)) as { priceCents: number }).priceCents;
      const body = method === 'HEAD' ? '' : JSON.stringify({ id: 'p-1', sku: 'S-1', name: 'Mouse', priceCents: state.priceCents, currency: 'EUR' });
      return { status: 200, headers: { 'content-type': 'application/json' }, body };
    },
  };
  return { state, transport };
}

/** The gateway's proxy on the catalog contract alone, as gateway.ts wires it (the admin token is "admin"). */
async function gatewayOn(shared: Pick<SharedState, 'limiter' | 'cache'>, catalog: ReturnType<typeof fakeCatalog>): Promise<FastifyInstance> {
  const verifier = { verify: async (authorization?: string) => (authorization === 'Bearer admin' ? { sub: 'admin', role: 'admin' as const } : undefined) };
  const app = Fastify({ logger: false });
  installProblemHandlers(app, logger);
  await app.register(async (proxied) => {
    proxied.removeContentTypeParser('application/json');
    proxied.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    registerProxyRoutes(proxied, [catalogApi], {
      directory: { transport: () => catalog.transport },
      verifier: verifier as unknown as TokenVerifier,
      limiter: shared.limiter,
      cache: shared.cache,
      idempotency: {} as IdempotencyStore,
      logger,
    });
  });
  await app.ready();
  return app;
}

async function fallbacks(): Promise<number> {
  const metric = await registry.getSingleMetric('agora_shared_state_fallbacks_total')?.get();
  return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
}

describe('gateway catalog cache in Redis, through the proxy', () => {
  let dataDir: string;
  let redis: LocalRedis;
  let shared: SharedState;
  let app: FastifyInstance;
  const catalog = fakeCatalog();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-gw-cache-'));
    redis = await startRedis(dataDir);
    shared = await connectSharedState({ redisUrl: redis.url, perSecond: 1, burst: 1_000, logger });
    app = await gatewayOn(shared, catalog);
  });
  after(async () => {
    await app.close();
    await shared.stop();
    await redis.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a repeated product read from the cache, and a write through the gateway empties it', async () => {
    const url = `/api/v1/products/p-1?t=${randomUUID()}`;
    const first = await app.inject({ method: 'GET', url });
    const second = await app.inject({ method: 'GET', url });
    assert.deepEqual([first.statusCode, first.headers['x-cache'], second.statusCode, second.headers['x-cache']], [200, 'miss', 200, 'hit']);
    assert.equal(second.body, first.body);
    assert.match(String(second.headers['content-type']), /^application\/json/);

    const changed = await app.inject({ method: 'PATCH', url: '/api/v1/products/p-1', headers: { authorization: 'Bearer admin', 'content-type': 'application/json' }, payload: { priceCents: 250 } });
    assert.equal(changed.statusCode, 200);
    const after = await app.inject({ method: 'GET', url });
    assert.equal(after.headers['x-cache'], 'miss');
    assert.equal(after.json().priceCents, 250);
  });

  it('never caches the empty answer to a HEAD request for a GET to find', async () => {
    const url = `/api/v1/products/p-1?t=${randomUUID()}`;
    const head = await app.inject({ method: 'HEAD', url });
    assert.equal(head.statusCode, 200);
    const get = await app.inject({ method: 'GET', url });
    assert.equal(get.statusCode, 200);
    assert.equal(get.json().id, 'p-1', `a full body, not the HEAD's (x-cache: ${get.headers['x-cache']})`);
  });

  it('with Redis gone, a catalog write still succeeds and reads go uncached', async () => {
    await redis.stop();
    const before = await fallbacks();
    const changed = await app.inject({ method: 'PATCH', url: '/api/v1/products/p-1', headers: { authorization: 'Bearer admin', 'content-type': 'application/json' }, payload: { priceCents: 300 } });
    assert.equal(changed.statusCode, 200, `the write reached the catalog; the cache being away must not turn it into an error: ${changed.body}`);
    const read = await app.inject({ method: 'GET', url: '/api/v1/products/p-1' });
    assert.deepEqual([read.statusCode, read.headers['x-cache'], read.json().priceCents], [200, 'miss', 300]);
    assert.ok((await fallbacks()) > before, 'each fallback is counted');
  });
});

describe('gateway catalog cache in memory (a gateway on its own), through the proxy', () => {
  const catalog = fakeCatalog();
  // Only the subscription matters here: the test delivers product.changed.v1 to it by hand.
  const subscriptions: Subscription[] = [];
  const bus = { subscribe: (subscription: Subscription) => (subscriptions.push(subscription), { stop: async () => {} }) } as unknown as EventBus;
  const local = localCatalogCache(bus);
  let app: FastifyInstance;

  before(async () => {
    app = await gatewayOn({ limiter: new RateLimiter(1_000, 1_000), cache: local.cache }, catalog);
  });
  after(async () => {
    await app.close();
    await local.stop();
  });

  it('answers a repeated product read from memory, and a write through the gateway empties it', async () => {
    const url = `/api/v1/products/p-1?t=${randomUUID()}`;
    const first = await app.inject({ method: 'GET', url });
    const second = await app.inject({ method: 'GET', url });
    assert.deepEqual([first.headers['x-cache'], second.headers['x-cache']], ['miss', 'hit']);
    assert.equal(second.body, first.body);

    const changed = await app.inject({ method: 'PATCH', url: '/api/v1/products/p-1', headers: { authorization: 'Bearer admin', 'content-type': 'application/json' }, payload: { priceCents: 410 } });
    assert.equal(changed.statusCode, 200);
    const after = await app.inject({ method: 'GET', url });
    assert.deepEqual([after.headers['x-cache'], after.json().priceCents], ['miss', 410]);
  });

  it('empties on product.changed.v1 from elsewhere, heard on the bus', async () => {
    assert.deepEqual(subscriptions.map((subscription) => subscription.types), [['product.changed.v1']]);
    const url = `/api/v1/products/p-1?t=${randomUUID()}`;
    await app.inject({ method: 'GET', url });
    // A change made behind the gateway's back (another writer, straight to the catalog).
    catalog.state.priceCents = 520;
    assert.equal((await app.inject({ method: 'GET', url })).json().priceCents, 410, 'still the cached answer');
    await subscriptions[0]!.handle({} as never, {} as never);
    const read = await app.inject({ method: 'GET', url });
    assert.deepEqual([read.headers['x-cache'], read.json().priceCents], ['miss', 520]);
  });

  it('never keeps an answer fetched while an invalidation ran', async () => {
    const url = `/api/v1/products/p-1?t=${randomUUID()}`;
    const read = local.cache.read(url, async () => {
      await local.cache.invalidate();
      return { status: 200, headers: {}, body: 'fetched before the change' };
    });
    assert.equal((await read).hit, false);
    const again = await local.cache.read(url, async () => ({ status: 200, headers: {}, body: 'fetched after' }));
    assert.deepEqual([again.hit, again.response.body], [false, 'fetched after']);
  });
});
