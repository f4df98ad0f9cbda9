import type { Transaction } from '@agora/chassis';
import type { InventoryDb } from './inventory-db.ts';

/**
 * How every transaction that moves stock runs. A popular product's stock row is updated by every
 * order that buys it; each move re-checks its own condition (`… WHERE on_hand >= 2`), and each status
 * change its status, so a later writer may simply wait for the row and re-check. SERIALIZABLE
 * failed it instead and ran the whole transaction again: with 32 split checkouts in flight for one
 * product, PostgreSQL logged 16 serialization failures an order, 4 with this.
 */
export const STOCK_TRANSACTION = { isolation: 'read committed' } as const;

/** The three places a product's units can be; their sum only changes when an admin sets stock. */
export type Bucket = 'on_hand' | 'reserved' | 'shipped';

/** A quantity of one product, as reserved for an order. */
export interface Line {
  productId: string;
  quantity: number;
}

/**
 * Moves a quantity between two buckets of one product with a conditional UPDATE: it succeeds only if
 * `from` holds enough, so concurrent writers (PostgreSQL row locks, SQLite's single writer) can never
 * drive a bucket negative. Returns false when nothing moved (short, or no stock row).
 */
export async function moveStock(db: Transaction<InventoryDb>, line: Line, from: Bucket, to: Bucket, now: string): Promise<boolean> {
  const result = await db
    .updateTable('stock')
    .set((eb) => ({ [from]: eb(from, '-', line.quantity), [to]: eb(to, '+', line.quantity), updated_at: now }))
    .where('product_id', '=', line.productId)
    .where(from, '>=', line.quantity)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Moves every line of a reservation or fails: a short bucket here means the books are already wrong. */
export async function moveAll(db: Transaction<InventoryDb>, lines: Line[], from: Bucket, to: Bucket, now: string): Promise<void> {
  for (const line of lines) {
    if (!(await moveStock(db, line, from, to, now))) throw new Error(`stock of ${line.productId} has less than ${line.quantity} ${from}: invariant broken`);
  }
}

/** One line per product, quantities added, sorted by product id so concurrent writers lock rows in one order (no deadlocks). */
export function mergeLines(items: readonly Line[]): Line[] {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}
