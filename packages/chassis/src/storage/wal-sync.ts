import { open } from 'node:fs/promises';
import { walSyncSeconds } from '../telemetry/metrics.ts';

/**
 * Puts what an SQLite file's write-ahead log holds on disk, off the event loop: SQLite commits with
 * synchronous=NORMAL (appended to the log, not synced), and a commit is acknowledged only after
 * `sync()` resolves. node:sqlite is synchronous, so a synced commit (synchronous=FULL) blocked the
 * whole process for the disk's flush, about 0.2 ms here, some thirty times an order; here the flush
 * runs on libuv's thread pool while the process goes on, and commits that arrive during one flush
 * share the next (group commit).
 *
 * The log is opened for each flush rather than kept open: SQLite may delete it (the last connection
 * closing) or start it over, and a kept descriptor could then flush a file SQLite no longer uses.
 * A log that is gone was checkpointed into the database, which SQLite syncs itself.
 */
export class WalSync {
  readonly #wal: string;
  readonly #service: string;
  /** The flush under way, and the one queued behind it for commits made meanwhile. */
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(databasePath: string, service: string) {
    this.#wal = `${databasePath}-wal`;
    this.#service = service;
  }

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    // A flush already under way may have started before the caller's commit: wait for the next one.
    if (!this.#running) return (this.#running = this.#flush());
    this.#queued ??= this.#running.then(
      () => this.#startQueued(),
      () => this.#startQueued(),
    );
    return this.#queued;
  }

  #startQueued(): Promise<void> {
    this.#queued = undefined;
    return (this.#running = this.#flush());
  }

  async #flush(): Promise<void> {
    const began = performance.now();
    try {
      const handle = await open(this.#wal, 'r+').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (handle) {
        try {
          await handle.datasync();
        } finally {
          await handle.close();
        }
      }
      walSyncSeconds.observe({ service: this.#service }, (performance.now() - began) / 1000);
    } finally {
      if (!this.#queued) this.#running = undefined;
    }
  }
}

/** Syncs a folder, so files created in it (a database, its log) are found after an OS crash. */
export async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
