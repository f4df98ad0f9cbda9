import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventEnvelope } from '../contract/events.ts';
import { syncFolder, WalSync } from '../storage/wal-sync.ts';
import type { ConsumerBacklog, EventBus, Subscription, SubscriptionHandle } from './bus.ts';

const MAX_BACKOFF_MS = 30_000;

/**
 * A stored message as the consumer gets it; text that is not JSON is handed on as it is, for the
 * consumer to park as malformed, rather than stopping the stream (and the process) at that row.
 */
function readEnvelope(text: string): EventEnvelope {
  try {
    return JSON.parse(text) as EventEnvelope;
  } catch {
    return text as unknown as EventEnvelope;
  }
}

export interface SqliteBusOptions {
  path: string;
  /** Deliver every message twice (verification mode: proves every consumer idempotent). */
  duplicateDeliveries?: boolean;
  /** Idle poll interval; publishes wake consumers at once. */
  pollIntervalMs?: number;
}

/**
 * The embedded bus: an append-only stream in its own SQLite file with a stored position per durable
 * consumer, so a killed process resumes where each consumer stopped. Message ids are unique, so a
 * relay that publishes twice (crash before marking the outbox row) stores the event once.
 */
export class SqliteEventBus implements EventBus {
  readonly engine = 'sqlite';
  readonly #db: DatabaseSync;
  /**
   * Consumer positions are written without waiting for a flush: a position lost to an OS crash only
   * means events delivered again, which every consumer's inbox already turns into no-ops. They reach
   * the disk with the next flush after a publish (one write-ahead log) or a checkpoint.
   */
  readonly #positions: DatabaseSync;
  /** Publishes commit unsynced (synchronous=NORMAL) and return once a flush of the log has them (see WalSync). */
  readonly #sync: WalSync;
  readonly #folderSynced: Promise<void>;
  readonly #options: SqliteBusOptions;
  /** Idle consumers and the event types they wait for: a publish wakes only those it concerns. */
  readonly #waiters = new Map<() => void, ReadonlySet<string>>();
  readonly #handles = new Set<SubscriptionHandle>();

  constructor(options: SqliteBusOptions) {
    this.#options = options;
    mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new DatabaseSync(options.path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, envelope TEXT NOT NULL, stored_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS messages_type_seq ON messages (type, seq);
      CREATE TABLE IF NOT EXISTS consumers (name TEXT PRIMARY KEY, position INTEGER NOT NULL, types TEXT);
    `);
    // A stream file from before consumers kept their types: each gets them again at its next subscribe.
    const columns = this.#db.prepare('PRAGMA table_info(consumers)').all() as Array<{ name: string }>;
    if (!columns.some((column) => column.name === 'types')) this.#db.exec('ALTER TABLE consumers ADD COLUMN types TEXT');
    this.#positions = new DatabaseSync(options.path);
    // NORMAL, not OFF: commits skip the sync, but a checkpoint this connection runs still syncs (no corruption).
    this.#positions.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.#sync = new WalSync(options.path, 'event-bus');
    // The stream file and its log must be found after an OS crash before any publish counts as stored.
    this.#folderSynced = syncFolder(dirname(options.path));
    this.#folderSynced.catch(() => {});
  }

  async publish(envelopes: EventEnvelope[]): Promise<void> {
    const insert = this.#db.prepare('INSERT INTO messages (id, type, envelope, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    const now = new Date().toISOString();
    this.#db.exec('BEGIN');
    try {
      for (const envelope of envelopes) insert.run(envelope.id, envelope.type, JSON.stringify(envelope), now);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    // Stored means on disk: the relay marks its outbox rows published only after this returns.
    await this.#folderSynced;
    await this.#sync.sync();
    const published = new Set(envelopes.map((envelope) => envelope.type));
    for (const [wake, types] of [...this.#waiters]) if ([...published].some((type) => types.has(type))) wake();
  }

  subscribe(subscription: Subscription): SubscriptionHandle {
    // The types are kept beside the position so that the backlog can be counted while nobody consumes.
    this.#db
      .prepare('INSERT INTO consumers (name, position, types) VALUES (?, 0, ?) ON CONFLICT (name) DO UPDATE SET types = excluded.types')
      .run(subscription.consumer, JSON.stringify(subscription.types));
    let running = true;
    let wake: () => void = () => {};
    const loop = this.#consume(subscription, () => running, (next) => (wake = next));
    const handle: SubscriptionHandle = {
      stop: async () => {
        running = false;
        wake();
        await loop;
        this.#handles.delete(handle);
      },
    };
    this.#handles.add(handle);
    return handle;
  }

  async #consume(subscription: Subscription, running: () => boolean, setWake: (wake: () => void) => void): Promise<void> {
    const placeholders = subscription.types.map(() => '?').join(', ');
    const fetch = this.#db.prepare(`SELECT seq, envelope FROM messages WHERE seq > ? AND type IN (${placeholders}) ORDER BY seq LIMIT ?`);
    const position = this.#db.prepare('SELECT position FROM consumers WHERE name = ?');
    const advance = this.#positions.prepare('UPDATE consumers SET position = ? WHERE name = ?');
    let cursor = Number((position.get(subscription.consumer) as { position: number }).position);
    const types = new Set(subscription.types);
    while (running()) {
      const rows = fetch.all(cursor, ...subscription.types, subscription.concurrency) as Array<{ seq: number; envelope: string }>;
      if (rows.length === 0) {
        await this.#idle(types, setWake);
        continue;
      }
      const delivered = await Promise.all(rows.map((row) => this.#deliver(subscription, readEnvelope(row.envelope), running)));
      // A batch is acknowledged as a whole; a stop in the middle leaves it to be delivered again.
      if (delivered.every(Boolean)) {
        cursor = rows[rows.length - 1]!.seq;
        advance.run(cursor, subscription.consumer);
      }
    }
  }

  /**
   * Retries with jittered exponential backoff (capped at 30 s) until acknowledged; the chassis
   * dead-letters after EVENT_MAX_DELIVER attempts, so the default 20 rides out minutes of a
   * dependency being down, while a refused (terminal) event is parked at once.
   */
  async #deliver(subscription: Subscription, envelope: EventEnvelope, running: () => boolean): Promise<boolean> {
    const copies = this.#options.duplicateDeliveries ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      for (let attempt = 1; ; attempt++) {
        if (!running()) return false;
        try {
          await subscription.handle(envelope, { attempt });
          break;
        } catch {
          const backoff = Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt);
          await sleep(backoff / 2 + Math.random() * (backoff / 2));
        }
      }
    }
    return true;
  }

  #idle(types: ReadonlySet<string>, setWake: (wake: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.#options.pollIntervalMs ?? 500);
      this.#waiters.set(done, types);
      setWake(done);
    });
  }

  /**
   * Per consumer, the stored events of its types past its acknowledged position: a batch being
   * handled is past it too, until the whole batch is acknowledged. One query, over the type index.
   */
  async backlog(): Promise<ConsumerBacklog[]> {
    const rows = this.#db
      .prepare(
        `SELECT name AS consumer,
           (SELECT COUNT(*) FROM messages WHERE seq > consumers.position AND type IN (SELECT value FROM json_each(consumers.types))) AS waiting
         FROM consumers WHERE types IS NOT NULL ORDER BY name`,
      )
      .all() as Array<{ consumer: string; waiting: number }>;
    return rows.map((row) => ({ consumer: row.consumer, waiting: Number(row.waiting) }));
  }

  /** Stored events, oldest first (inspection and tests). */
  read(types?: string[]): EventEnvelope[] {
    const rows = types?.length
      ? this.#db.prepare(`SELECT envelope FROM messages WHERE type IN (${types.map(() => '?').join(', ')}) ORDER BY seq`).all(...types)
      : this.#db.prepare('SELECT envelope FROM messages ORDER BY seq').all();
    return (rows as Array<{ envelope: string }>).map((row) => JSON.parse(row.envelope) as EventEnvelope);
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await Promise.all([...this.#handles].map((handle) => handle.stop()));
    if (this.#positions.isOpen) this.#positions.close();
    if (this.#db.isOpen) this.#db.close();
  }
}
