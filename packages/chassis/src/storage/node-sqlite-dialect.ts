import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SqliteDialect, sql, type Kysely, type SqliteDatabase, type SqliteStatement } from 'kysely';

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

/**
 * One SQLite file per service. WAL lets readers proceed during writes; busy_timeout covers the rare
 * writer overlap between the relay and a handler.
 *
 * A database opens with synchronous=NORMAL for its set-up: migrations and sample data are a hundred
 * or so small commits on a first start, and syncing each was about 0.1 s of it. A process crash
 * loses none of them either way (WAL); an OS crash or power loss could lose the last few, which the
 * next start simply writes again. `syncEveryCommit` ends the set-up, before the service takes a
 * request or an event.
 */
export function nodeSqliteDialect(path: string): SqliteDialect {
  return new SqliteDialect({
    database: () => {
      const db = new DatabaseSync(path);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
      return Promise.resolve(new NodeSqliteDatabase(db));
    },
  });
}

/**
 * synchronous=FULL from here on: every commit is synced before it returns, so an acknowledged order
 * survives an OS crash or power loss as well as a process crash, and the order of commits across
 * files (service database, then bus) holds on disk. The checkpoint puts what the set-up wrote on
 * disk first, so no later commit (in this file or the bus's) can outlive it.
 */
export async function syncEveryCommit(db: Kysely<any>): Promise<void> {
  await sql`PRAGMA synchronous = FULL`.execute(db);
  await sql`PRAGMA wal_checkpoint(FULL)`.execute(db);
}
