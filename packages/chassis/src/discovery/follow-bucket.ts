import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import type { Logger } from '../telemetry/logger.ts';

export interface BucketFollower {
  /** Ends the watch; resolves once the loop has ended, so the connection can be drained after it. */
  stop(): Promise<void>;
}

/**
 * Keeps a local copy of a KV bucket current: every key is read before this resolves (the first
 * caller sees what is there now), then a watch applies each change. A broken watch (NATS restart)
 * is resumed, and resuming replays the bucket's current values, so nothing is missed.
 */
export async function followBucket(kv: KV, jsm: JetStreamManager, apply: (entry: KvEntry) => void, logger: Logger, what: string): Promise<BucketFollower> {
  // One malformed entry (a hand edit, another version's format) is skipped, never fatal.
  const applied = (entry: KvEntry) => {
    try {
      apply(entry);
    } catch (error) {
      logger.warn({ err: error, key: entry.key }, `${what}: entry skipped`);
    }
  };
  for (const key of await currentKeys(kv, jsm)) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') applied(entry);
  }
  let stopped = false;
  let watching: { stop(): void } | undefined;
  const loop = async () => {
    while (!stopped) {
      try {
        const watcher = await kv.watch({ key: '>' });
        watching = watcher;
        // A stop that came while the watch was being set up ends it here, on a live connection.
        if (stopped) watcher.stop();
        for await (const entry of watcher) {
          if (stopped) break;
          applied(entry);
        }
      } catch (error) {
        if (stopped) return;
        logger.warn({ err: error }, `${what} watch interrupted; resuming`);
      } finally {
        watching = undefined;
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const done = loop().catch(() => undefined);
  return {
    stop: () => {
      stopped = true;
      watching?.stop();
      // The caller drains the connection next. A watch still being set up must settle first: one
      // that meets a closed connection half-made leaves its heartbeat timer running, and the process
      // never exits. Its requests time out, so this wait is bounded; the race is only a backstop.
      return Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())]);
    },
  };
}

/**
 * The keys a bucket holds now, from its stream's list of subjects: requests with a timeout, no
 * consumer. Not `kv.keys()`: that ends on a delivery that reports nothing pending, and nats-server
 * 2.9 leaves a last-value-per-key consumer's pending count at 1 for good when a key changes before
 * its first delivery (a reader slow to subscribe, on a loaded machine). With instances beating
 * every second it then never ended, and neither did the start of the process waiting on it.
 */
async function currentKeys(kv: KV, jsm: JetStreamManager): Promise<string[]> {
  const { streamInfo } = await kv.status();
  // `$KV.<bucket>.>`: a key is a subject without the `$KV.<bucket>.` prefix.
  const prefix = streamInfo.config.subjects![0]!.slice(0, -1);
  const { state } = await jsm.streams.info(streamInfo.config.name, { subjects_filter: '>' });
  return Object.keys(state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
}
