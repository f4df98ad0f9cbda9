import type { KV, KvEntry } from '@nats-io/kv';
import type { Logger } from '../telemetry/logger.ts';

export interface BucketFollower {
  /** Ends the loop; resolves once it has (after the connection drains), or after a second at most. */
  stop(): Promise<void>;
}

/**
 * Keeps a local copy of a KV bucket current: every key is read before this resolves (the first
 * caller sees what is there now), then a watch applies each change. A broken watch (NATS restart)
 * is resumed, and resuming replays the bucket's current values, so nothing is missed.
 */
export async function followBucket(kv: KV, apply: (entry: KvEntry) => void, logger: Logger, what: string): Promise<BucketFollower> {
  // One malformed entry (a hand edit, another version's format) is skipped, never fatal.
  const applied = (entry: KvEntry) => {
    try {
      apply(entry);
    } catch (error) {
      logger.warn({ err: error, key: entry.key }, `${what}: entry skipped`);
    }
  };
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (entry) applied(entry);
  }
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      try {
        const watcher = await kv.watch({ key: '>' });
        for await (const entry of watcher) {
          applied(entry);
          if (stopped) break;
        }
      } catch (error) {
        if (stopped) return;
        logger.warn({ err: error }, `${what} watch interrupted; resuming`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const done = loop().catch(() => undefined);
  return {
    stop: () => {
      stopped = true;
      // A watch being set up while the connection drains may never settle: never wait on it for long.
      return Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
}
