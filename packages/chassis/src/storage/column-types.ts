import { sql, type ColumnDataType, type Expression } from 'kysely';
import type { SqlDialectName } from './migration.ts';

/**
 * A text column that is a key, unique, or indexed. MySQL cannot index TEXT without a prefix length,
 * so there it is a VARCHAR of `length` characters (enough for the longest value the contracts let
 * in: 191 fits ids, 255 fits emails and idempotency keys) with a binary collation, so ids compare
 * case-sensitively as they do on SQLite and PostgreSQL whatever the database's default. Elsewhere it
 * stays `text`, the type these columns have always had there.
 */
export function keyText(dialect: SqlDialectName, length = 191): ColumnDataType | Expression<unknown> {
  if (dialect !== 'mysql') return 'text';
  if (!Number.isInteger(length) || length < 1 || length > 768) throw new Error(`keyText length must be 1..768, not ${length}`);
  return sql`varchar(${sql.raw(String(length))}) character set utf8mb4 collate utf8mb4_bin`;
}

/**
 * Auto-increment key: SQLite's rowid alias, PostgreSQL's identity column, MySQL's bigint. Add
 * `.autoIncrement()` except on PostgreSQL, where bigserial is the increment.
 */
export function sequenceColumnType(dialect: SqlDialectName): 'bigserial' | 'bigint' | 'integer' {
  if (dialect === 'postgres') return 'bigserial';
  return dialect === 'mysql' ? 'bigint' : 'integer';
}
