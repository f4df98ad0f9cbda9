import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../contract/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import { eventsPublished, outboxLag, outboxPending } from '../telemetry/metrics.ts';
import type { EventBus } from './bus.ts';

export interface RelayOptions {
  service: string;
  db: Kysely<any>;
  bus: EventBus;
  logger: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  retentionMs?: number;
}

/**
 * Moves committed outbox rows to the bus, then marks them published. A crash between the two
 * publishes the row again on restart; the bus deduplicates by event id and consumers by inbox.
 * It reads every unpublished row, not "rows after the last id", so a row committed out of id order
 * is never skipped.
 */
export class OutboxRelay {
  readonly #options: Required<RelayOptions>;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  #lagRecordedAt = 0;

  constructor(options: RelayOptions) {
    this.#options = { batchSize: 200, pollIntervalMs: 250, retentionMs: 10 * 60_000, ...options };
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Called after a transaction that wrote to the outbox commits. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Stops the loop, then hands what the last transactions wrote to the bus, so nothing waits for the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    try {
      while ((await this.relayOnce()) === this.#options.batchSize);
    } catch (error) {
      // The rows stay in the outbox and go out after the next start.
      this.#options.logger.warn({ err: error, service: this.#options.service }, 'outbox not drained at shutdown');
    }
  }

  async #run(): Promise<void> {
    const { db, logger, service } = this.#options;
    let lastCleanup = 0;
    while (this.#running) {
      try {
        const moved = await this.relayOnce();
        if (Date.now() - lastCleanup > 60_000) {
          lastCleanup = Date.now();
          const cutoff = new Date(Date.now() - this.#options.retentionMs).toISOString();
          await db.deleteFrom('outbox').where('published_at', '<', cutoff).execute();
        }
        if (moved === this.#options.batchSize) continue;
      } catch (error) {
        logger.warn({ err: error, service }, 'outbox relay failed; will retry');
      }
      await this.#idle();
    }
  }

  /** One pass: publish the oldest unpublished rows. Returns how many moved. */
  async relayOnce(): Promise<number> {
    const { db, bus, service, batchSize } = this.#options;
    const rows = await db
      .selectFrom('outbox')
      .select(['seq', 'envelope', 'type', 'created_at'])
      .where('published_at', 'is', null)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    // The gauges are for dashboards: once a second is plenty, and it keeps an aggregate query off every pass.
    if (Date.now() - this.#lagRecordedAt >= 1_000) {
      this.#lagRecordedAt = Date.now();
      await this.#recordLag();
    }
    if (rows.length === 0) return 0;
    await bus.publish(rows.map((row) => JSON.parse(row.envelope as string) as EventEnvelope));
    await db
      .updateTable('outbox')
      .set({ published_at: new Date().toISOString() })
      .where('seq', 'in', rows.map((row) => row.seq))
      .execute();
    for (const row of rows) eventsPublished.inc({ service, type: row.type as string });
    return rows.length;
  }

  async #recordLag(): Promise<void> {
    const { db, service } = this.#options;
    const row = await db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
      .where('published_at', 'is', null)
      .executeTakeFirst();
    outboxPending.set({ service }, Number(row?.pending ?? 0));
    outboxLag.set({ service }, row?.oldest ? (Date.now() - Date.parse(row.oldest as string)) / 1000 : 0);
  }

  #idle(): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#options.pollIntervalMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = undefined;
        self.#woken = false;
        resolve();
      }
      this.#wake = done;
    });
  }
}
