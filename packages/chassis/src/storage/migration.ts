import type { Kysely } from 'kysely';

/** The SQL databases a service can run on: embedded SQLite, or a server (PostgreSQL, MySQL/MariaDB). */
export type SqlDialectName = 'sqlite' | 'postgres' | 'mysql';

/** What a migration gets: the schema builder, plus the dialect name for the few types that differ. */
export interface MigrationContext {
  db: Kysely<any>;
  dialect: SqlDialectName;
}

export interface ServiceMigration {
  up(context: MigrationContext): Promise<void>;
}
