import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  SqliteDialect,
  SqliteDriver,
  sql,
  type AbortableOperationOptions,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type Kysely,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';
import { syncFolder, WalSync } from './wal-sync.ts';

/** node:sqlite does not bind booleans or undefined; SQLite stores them as 1/0 and NULL anyway. */
function bindable(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === undefined) return null;
    return value as SQLInputValue;
  });
}

const STATEMENT_CACHE_LIMIT = 500;

/**
 * Adapts node:sqlite (built into Node 24) to the better-sqlite3 shape Kysely's SqliteDialect expects.
 * Prepared statements are kept per SQL text: Kysely emits the same text for the same query shape,
 * and preparing is most of the cost of a small query.
 */
class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, SqliteStatement>();
  constructor(db: DatabaseSync) {
    this.#db = db;
  }
  /** Inside a transaction (BEGIN … COMMIT): a statement run now commits nothing yet. */
  get inTransaction(): boolean {
    return this.#db.isTransaction;
  }
  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }
  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement = this.#db.prepare(sql);
    const adapted: SqliteStatement = {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...bindable(parameters)),
      run: (parameters) => statement.run(...bindable(parameters)),
      iterate: (parameters) => statement.iterate(...bindable(parameters)) as IterableIterator<unknown>,
    };
    // Schema changes (migrations) use one-off statements: only plain DML is worth keeping.
    if (/^\s*(select|insert|update|delete|with)\b/i.test(sql)) {
      if (this.#statements.size >= STATEMENT_CACHE_LIMIT) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(sql, adapted);
    }
    return adapted;
  }
}

/** What the driver needs to know to make commits durable; `sync` is set once the set-up is done. */
interface Durability {
  database?: NodeSqliteDatabase;
  sync?: WalSync;
}

/**
 * Kysely's SQLite driver, with one addition: a statement that ends in a commit (a transaction's
 * COMMIT, or a write outside a transaction) returns only once the commit is on disk. Kysely hands
 * the one connection to one query or transaction at a time, so nothing else reads this database
 * before the flush is done: what any caller sees is durable.
 */
class DurableSqliteDriver extends SqliteDriver {
  readonly #durability: Durability;
  #connection: DatabaseConnection | undefined;

  constructor(config: SqliteDialectConfig, durability: Durability) {
    super(config);
    this.#durability = durability;
  }

  // Transactions (BEGIN, COMMIT, savepoints) run their statements on the connection handed out here.
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#connection ??= {
      executeQuery: async <R>(query: CompiledQuery, options?: AbortableOperationOptions) => {
        const result = await connection.executeQuery<R>(query, options);
        await this.#afterStatement(query.sql);
        return result;
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize: number, options?: AbortableOperationOptions) => connection.streamQuery<R>(query, chunkSize, options),
    };
    return this.#connection;
  }

  async #afterStatement(text: string): Promise<void> {
    const { database, sync } = this.#durability;
    if (!sync || !database || database.inTransaction || /^\s*(select|rollback)\b/i.test(text)) return;
    await sync.sync();
  }
}

/**
 * One SQLite file per service, in WAL mode (readers proceed during writes; busy_timeout covers the
 * rare writer overlap between the relay and a handler) with synchronous=NORMAL: a commit is appended
 * to the log without a flush. What makes it durable is the driver above, once `syncEveryCommit` has
 * ended the set-up: each commit waits for a flush of the log made off the event loop (WalSync).
 *
 * During the set-up, commits are not flushed one by one: migrations and sample data are a hundred or
 * so small commits on a first start, and flushing each was about 0.1 s of it. A process crash loses
 * none of them either way (WAL); an OS crash or power loss could lose the last few, which the next
 * start simply writes again.
 */
export class NodeSqliteDialect extends SqliteDialect {
  readonly #path: string;
  readonly #config: SqliteDialectConfig;
  readonly #durability: Durability = {};

  constructor(path: string) {
    const config: SqliteDialectConfig = {
      database: () => {
        const db = new DatabaseSync(path);
        db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
        this.#durability.database = new NodeSqliteDatabase(db);
        return Promise.resolve(this.#durability.database);
      },
    };
    super(config);
    this.#path = path;
    this.#config = config;
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(this.#config, this.#durability);
  }

  /**
   * Ends the set-up: a checkpoint puts everything written so far in the database file, synced (so no
   * later commit, in this file or the bus's, can outlive it), the folder is synced so the files are
   * found after an OS crash, and from here on every commit returns only once it is on disk.
   */
  async syncEveryCommit(db: Kysely<any>, service: string): Promise<void> {
    await sql`PRAGMA wal_checkpoint(FULL)`.execute(db);
    await syncFolder(dirname(this.#path));
    this.#durability.sync = new WalSync(this.#path, service);
  }
}

export function nodeSqliteDialect(path: string): NodeSqliteDialect {
  return new NodeSqliteDialect(path);
}
