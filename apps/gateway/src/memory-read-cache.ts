/** What the catalog cache keeps its answers in: Redis shared by every gateway, or this process's memory. */
export interface ReadCache<T> {
  get(key: string): Promise<{ value: T | undefined; generation: string }>;
  /** Stores under the generation read before the value was fetched: a value fetched across an invalidation lands in a dead generation. */
  set(key: string, value: T, generation: string): Promise<void>;
  invalidate(): Promise<void>;
}

const MAX_ENTRIES = 10_000;

/**
 * The one-gateway read cache (embedded topology): the same generations and time to live as the
 * Redis one, so a value fetched while an invalidation ran is never served afterwards.
 */
export class MemoryReadCache<T> implements ReadCache<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();
  readonly #ttlMs: number;
  #generation = 0;

  constructor(options: { ttlSeconds: number }) {
    this.#ttlMs = options.ttlSeconds * 1000;
  }

  async get(key: string): Promise<{ value: T | undefined; generation: string }> {
    let entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      entry = undefined;
    }
    return { value: entry?.value, generation: String(this.#generation) };
  }

  async set(key: string, value: T, generation: string): Promise<void> {
    if (generation !== String(this.#generation)) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, expiresAt: Date.now() + this.#ttlMs });
  }

  async invalidate(): Promise<void> {
    this.#generation++;
    this.#entries.clear();
  }
}
