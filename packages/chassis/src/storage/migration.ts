import type { Kysely } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

/** What a migration gets: the schema builder, plus the dialect name for the few types that differ. */
export interface MigrationContext {
  db: Kysely<any>;
  dialect: SqlDialectName;
}

export interface ServiceMigration {
  up(context: MigrationContext): Promise<void>;
}
