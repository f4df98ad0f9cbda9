import { MysqlAdapter, PostgresAdapter, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { SqlDialectName } from './migration.ts';

/** The dialect a Kysely instance (or transaction) speaks, read from its adapter: callers never pass it. */
export function dialectOf(db: Kysely<any>): SqlDialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof MysqlAdapter) return 'mysql';
  return adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

type ColumnOf<DB, T extends keyof DB> = keyof DB[T] & string;

/**
 * Inserts the rows that do not collide with an existing one and returns how many it inserted (0 or
 * 1 for one row), the same count on every dialect. `ON CONFLICT (…) DO NOTHING` on SQLite and
 * PostgreSQL; `INSERT IGNORE` on MySQL, which skips a collision on any unique key (not only the
 * named one) and also lets through other ignorable errors, such as a value too long for its column,
 * as warnings: pass values the columns hold (keyText lengths cover what the contracts admit).
 * Without `conflictColumns`, a collision on any unique key is skipped on every dialect.
 */
export async function insertOrIgnore<DB, T extends keyof DB & string>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  values: NoInfer<Insertable<DB[T]> | ReadonlyArray<Insertable<DB[T]>>>,
  conflictColumns?: NoInfer<ReadonlyArray<ColumnOf<DB, T>>>,
): Promise<number> {
  const insert = (db as Kysely<any>).insertInto(table).values(values as any);
  const query =
    dialectOf(db as Kysely<any>) === 'mysql'
      ? insert.ignore()
      : insert.onConflict((oc) => (conflictColumns?.length ? oc.columns(conflictColumns as readonly string[]) : oc).doNothing());
  const result = await query.executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/**
 * Inserts the row, or, when it collides on `conflictColumns` (a primary key or unique constraint),
 * applies `updates` to the row that is there. `ON CONFLICT (…) DO UPDATE` on SQLite and PostgreSQL,
 * `ON DUPLICATE KEY UPDATE` on MySQL. Nothing is returned: MySQL counts an update as 2 rows, so the
 * driver's count means different things; read the row back if you need it.
 */
export async function upsert<DB, T extends keyof DB & string>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  values: NoInfer<Insertable<DB[T]>>,
  conflictColumns: NoInfer<ReadonlyArray<ColumnOf<DB, T>>>,
  updates: NoInfer<Updateable<DB[T]>>,
): Promise<void> {
  if (Object.keys(updates).length === 0) throw new Error(`upsert into ${table}: no columns to update (use insertOrIgnore)`);
  const insert = (db as Kysely<any>).insertInto(table).values(values as any);
  const query = dialectOf(db as Kysely<any>) === 'mysql' ? insert.onDuplicateKeyUpdate(updates as any) : insert.onConflict((oc) => oc.columns(conflictColumns as readonly string[]).doUpdateSet(updates as any));
  await query.execute();
}
