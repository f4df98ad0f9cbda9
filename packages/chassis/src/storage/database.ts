import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, sql, type Transaction } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Logger } from '../telemetry/logger.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { chassisMigrations } from './chassis-migrations.ts';
import type { MigrationContext, ServiceMigration, SqlDialectName } from './migration.ts';

export type { MigrationContext, ServiceMigration, SqlDialectName };

export interface StorageOptions {
  service: string;
  /** Folder of the embedded SQLite files. */
  dataDir: string;
  /** The service's own PostgreSQL database (`postgres://…`) instead of the embedded SQLite file. */
  databaseUrl?: string;
  /** Connections to that database at most, per process. */
  poolSize?: number;
  logger?: Pick<Logger, 'warn'>;
}

export interface ServiceDatabase<DB> {
  db: Kysely<DB>;
  dialect: SqlDialectName;
  /**
   * Runs `work` in a serializable transaction on either dialect: SQLite has one writer at a time,
   * and PostgreSQL runs SERIALIZABLE and re-runs the work when the server reports a serialization
   * failure or deadlock, so handlers written against one behave the same on the other.
   */
  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const POSTGRES_ATTEMPTS = 8;

/** Opens the service's own database and brings its schema up to date (chassis tables first). */
export async function openServiceDatabase<DB>(
  options: StorageOptions,
  migrations: Record<string, ServiceMigration>,
): Promise<ServiceDatabase<DB>> {
  const all = { ...chassisMigrations, ...migrations };
  if (options.databaseUrl) return openPostgres<DB>(options, options.databaseUrl, all);
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Kysely<DB>({ dialect: nodeSqliteDialect(join(options.dataDir, `${options.service}.db`)) });
  await migrate(db as Kysely<any>, 'sqlite', all);
  return {
    db,
    dialect: 'sqlite',
    transaction: (work) => db.transaction().execute(work),
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}

async function openPostgres<DB>(options: StorageOptions, url: string, migrations: Record<string, ServiceMigration>): Promise<ServiceDatabase<DB>> {
  // Loaded on demand: the embedded topology never pays for the PostgreSQL driver.
  const { postgresDialect, isSerializationFailure } = await import('./postgres-dialect.ts');
  const { dialect } = postgresDialect({ url, poolSize: options.poolSize ?? 10, applicationName: `agora-${options.service}`, logger: options.logger });
  const db = new Kysely<DB>({ dialect });
  try {
    await migrate(db as Kysely<any>, 'postgres', migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    db,
    dialect: 'postgres',
    transaction: async (work) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().setIsolationLevel('serializable').execute(work);
        } catch (error) {
          if (attempt >= POSTGRES_ATTEMPTS || !isSerializationFailure(error)) throw error;
          // Jittered, growing pause so the transactions that collided do not collide again.
          await sleep(Math.random() * 5 * 2 ** attempt);
        }
      }
    },
    ping: () => ping(db),
    close: () => db.destroy(),
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
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '?'} failed: ${(error as Error).message}`, { cause: error });
  }
}
