import { consumerName, type EventBus, type SubscriptionHandle } from '@agora/chassis';
import { productChanged } from '@agora/catalog/contract/events';
import type { StoredResponse } from './idempotency.ts';
import { MemoryReadCache, type ReadCache } from './memory-read-cache.ts';

/** How long a cached catalog answer may live even if an invalidation were missed. */
export const CATALOG_CACHE_TTL_SECONDS = 30;

/** Public catalog reads, cached whole (status 200 only): in Redis across gateways, or in this gateway's memory. */
export class CatalogCache {
  readonly #store: ReadCache<StoredResponse>;
  readonly #degraded: (what: string, error: unknown) => void;

  constructor(store: ReadCache<StoredResponse>, degraded: (what: string, error: unknown) => void = () => {}) {
    this.#store = store;
    this.#degraded = degraded;
  }

  /** The cached answer, or fetches, caches and returns it; `hit` says which. */
  async read(url: string, fetch: () => Promise<StoredResponse>): Promise<{ response: StoredResponse; hit: boolean }> {
    let generation: string | undefined;
    try {
      const cached = await this.#store.get(url);
      if (cached.value) return { response: cached.value, hit: true };
      generation = cached.generation;
    } catch (error) {
      this.#degraded('cache', error);
    }
    const response = await fetch();
    if (generation !== undefined && response.status === 200) await this.#store.set(url, response, generation).catch((error) => this.#degraded('cache', error));
    return { response, hit: false };
  }

  /** Empties the cache for every instance. Throws while the store (Redis) is away, so product.changed.v1 is delivered again. */
  async invalidate(): Promise<void> {
    await this.#store.invalidate();
  }

  /** After a write through this gateway: the write stands whatever the store says; the event and the TTL cover a miss. */
  async invalidateAfterWrite(): Promise<void> {
    await this.#store.invalidate().catch((error) => this.#degraded('cache', error));
  }
}

/** Any catalog change anywhere (not only writes through this gateway) empties the cache. */
export function invalidateOnProductChanges(bus: EventBus, cache: CatalogCache): SubscriptionHandle {
  return bus.subscribe({
    consumer: consumerName('gateway', { name: 'catalog-cache' }),
    types: [productChanged.type],
    concurrency: 1,
    handle: () => cache.invalidate(),
  });
}

/** A gateway on its own (embedded topology): the cache lives in its memory, emptied by the same events. */
export function localCatalogCache(bus: EventBus | undefined): { cache: CatalogCache; stop(): Promise<void> } {
  const cache = new CatalogCache(new MemoryReadCache<StoredResponse>({ ttlSeconds: CATALOG_CACHE_TTL_SECONDS }));
  const subscription = bus ? invalidateOnProductChanges(bus, cache) : undefined;
  return { cache, stop: async () => subscription?.stop() };
}
