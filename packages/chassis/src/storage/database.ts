import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';
import { chassisMigrations } from './chassis-migrations.ts';
import type { MigrationContext, ServiceMigration, SqlDialectName } from './migration.ts';

export type { MigrationContext, ServiceMigration, SqlDialectName };

export interface StorageOptions {
  service: string;
  /** Folder of the embedded SQLite files. */
  dataDir: string;
}

export interface ServiceDatabase<DB> {
  db: Kysely<DB>;
  dialect: SqlDialectName;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the service's own database and brings its schema up to date (chassis tables first). */
export async function openServiceDatabase<DB>(
  options: StorageOptions,
  migrations: Record<string, ServiceMigration>,
): Promise<ServiceDatabase<DB>> {
  mkdirSync(options.dataDir, { recursive: true });
  const dialect: SqlDialectName = 'sqlite';
  const db = new Kysely<DB>({ dialect: nodeSqliteDialect(join(options.dataDir, `${options.service}.db`)) });
  await migrate(db as Kysely<any>, dialect, { ...chassisMigrations, ...migrations });
  return {
    db,
    dialect,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
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
