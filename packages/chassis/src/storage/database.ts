import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, sql, type Dialect, type Transaction } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Logger } from '../telemetry/logger.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { chassisMigrations } from './chassis-migrations.ts';
import type { MigrationContext, ServiceMigration, SqlDialectName } from './migration.ts';
import { isMysqlRetriable, isPostgresRetriable } from './sql-errors.ts';
import { ordinalOrder } from '../ordinal-order.ts';

export type { MigrationContext, ServiceMigration, SqlDialectName };

export interface StorageOptions {
  service: string;
  /** Folder of the embedded SQLite files. */
  dataDir: string;
  /**
   * The service's own database on a server instead of the embedded SQLite file: PostgreSQL
   * (`postgres://…`) or MySQL/MariaDB (`mysql://…`, `mariadb://…`).
   */
  databaseUrl?: string;
  /** Connections to that database at most, per process. */
  poolSize?: number;
  logger?: Pick<Logger, 'warn'>;
  /**
   * The caller writes more set-up (sample data) after the migrations and calls `setupDone()`
   * itself; otherwise the set-up ends with the migrations.
   */
  moreSetup?: boolean;
}

export interface TransactionOptions {
  /**
   * SERIALIZABLE unless said otherwise. READ COMMITTED is for a transaction whose writes re-check
   * their own condition (`UPDATE stock … WHERE on_hand >= 2`, a conditional status change, an insert
   * that ignores a duplicate key) on rows that many transactions update at once: PostgreSQL and MySQL
   * then make the later writer wait for the row and re-check, where SERIALIZABLE fails it ("could not
   * serialize access") and the whole transaction runs again. SQLite has one writer and ignores it.
   */
  isolation?: 'serializable' | 'read committed';
}

export interface ServiceDatabase<DB> {
  db: Kysely<DB>;
  dialect: SqlDialectName;
  /**
   * Runs `work` in a serializable transaction on every dialect: SQLite has one writer at a time;
   * PostgreSQL and MySQL run SERIALIZABLE (or the isolation asked for) and re-run the work when the
   * server reports a serialization failure, deadlock or lock wait timeout, so handlers written
   * against one behave the same on the others.
   */
  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Ends the set-up: from here on every commit reaches the disk before it returns, and what the
   * set-up wrote is on disk now. A no-op on a database server, whose commits always are.
   */
  setupDone(): Promise<void>;
}

/** A server database's driver, loaded on demand: the embedded topology never pays for pg or mysql2. */
interface ServerDialect {
  name: Exclude<SqlDialectName, 'sqlite'>;
  open(url: string, options: StorageOptions): Promise<Dialect>;
  /** Errors after which re-running the whole transaction is the documented remedy. */
  isRetriable(error: unknown): boolean;
}

const SERVER_DIALECTS: Array<ServerDialect & { schemes: string[] }> = [
  {
    name: 'postgres',
    schemes: ['postgres:', 'postgresql:'],
    open: async (url, options) => {
      const { postgresDialect } = await import('./postgres-dialect.ts');
      return postgresDialect({ url, poolSize: options.poolSize ?? 10, applicationName: `agora-${options.service}`, logger: options.logger }).dialect;
    },
    isRetriable: isPostgresRetriable,
  },
  {
    name: 'mysql',
    schemes: ['mysql:', 'mariadb:'],
    open: async (url, options) => {
      const { mysqlDialect } = await import('./mysql-dialect.ts');
      return mysqlDialect({ url, poolSize: options.poolSize ?? 10, applicationName: `agora-${options.service}`, logger: options.logger }).dialect;
    },
    isRetriable: isMysqlRetriable,
  },
];

const SERVER_ATTEMPTS = 20;
/** The longest pause between two attempts: enough to let a burst of colliding transactions drain. */
const MAX_RETRY_PAUSE_MS = 250;

/** Opens the service's own database and brings its schema up to date (chassis tables first). */
export async function openServiceDatabase<DB>(
  options: StorageOptions,
  migrations: Record<string, ServiceMigration>,
): Promise<ServiceDatabase<DB>> {
  const all = { ...chassisMigrations, ...migrations };
  if (options.databaseUrl) return openServer<DB>(options, options.databaseUrl, all);
  mkdirSync(options.dataDir, { recursive: true });
  const dialect = nodeSqliteDialect(join(options.dataDir, `${options.service}.db`));
  const db = new Kysely<DB>({ dialect });
  await migrate(db as Kysely<any>, 'sqlite', all);
  const database: ServiceDatabase<DB> = {
    db,
    dialect: 'sqlite',
    transaction: (work) => db.transaction().execute(work),
    ping: () => ping(db),
    close: () => db.destroy(),
    setupDone: () => dialect.syncEveryCommit(db as Kysely<any>, options.service),
  };
  if (!options.moreSetup) await database.setupDone();
  return database;
}

/** The dialect a database URL names, by its scheme. */
function serverDialectOf(url: string): ServerDialect {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase() ?? '';
  const found = SERVER_DIALECTS.find((candidate) => candidate.schemes.includes(scheme));
  if (!found) throw new Error(`unsupported database URL scheme "${scheme || url}": use postgres://, mysql:// or mariadb://`);
  return found;
}

async function openServer<DB>(options: StorageOptions, url: string, migrations: Record<string, ServiceMigration>): Promise<ServiceDatabase<DB>> {
  const server = serverDialectOf(url);
  const db = new Kysely<DB>({ dialect: await server.open(url, options) });
  try {
    await migrate(db as Kysely<any>, server.name, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    db,
    dialect: server.name,
    transaction: async (work, transactionOptions) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().setIsolationLevel(transactionOptions?.isolation ?? 'serializable').execute(work);
        } catch (error) {
          if (attempt >= SERVER_ATTEMPTS || !server.isRetriable(error)) throw error;
          // Jittered, growing pause so the transactions that collided do not collide again.
          await sleep(Math.random() * Math.min(MAX_RETRY_PAUSE_MS, 5 * 2 ** attempt));
        }
      }
    },
    ping: () => ping(db),
    close: () => db.destroy(),
    setupDone: () => Promise.resolve(),
  };
}

async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

async function migrate(db: Kysely<any>, dialect: SqlDialectName, migrations: Record<string, ServiceMigration>) {
  const provider: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(
        Object.entries(migrations).map(([name, migration]): [string, Migration] => [
          name,
          { up: (database) => migration.up({ db: database, dialect }) },
        ]),
      ),
  };
  // The chassis' migrations and the service's are two sequences merged by name: a chassis migration
  // added later sorts before service migrations a database already ran, and must still run then.
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true, nameComparator: ordinalOrder }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '?'} failed: ${(error as Error).message}`, { cause: error });
  }
}
