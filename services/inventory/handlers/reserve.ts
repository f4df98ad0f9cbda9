import { insertOrIgnore, sql, type ServiceContext, type Static } from '@agora/chassis';
import type { ReservationResult } from '../contract/api.ts';
import { inventoryRejected, inventoryReserved } from '../contract/events.ts';
import { toResult, type InventoryDb, type ReservationRow, type Saga } from '../storage/inventory-db.ts';
import { mergeLines, moveStock, STOCK_TRANSACTION, type Line } from '../storage/stock-moves.ts';

type Result = Static<typeof ReservationResult>;

/** What an existing reservation answers to a repeated reserve; a tombstone rejects without publishing. */
function answer(row: ReservationRow): Result {
  if (row.status === 'cancelled') return { orderId: row.order_id, status: 'rejected', reason: 'order-cancelled' };
  return toResult(row);
}

/**
 * Reserves every line of an order or none, once per order (choreography consumer and orchestration
 * command alike). One transaction: claim the order's reservation row, then move on_hand → reserved
 * line by line with conditional updates; if any line is short, roll back to a savepoint taken before
 * the moves and record the rejection instead. Keeping it to one transaction means the consumer's
 * inbox row commits with whichever outcome was recorded.
 */
export async function reserve(ctx: ServiceContext<InventoryDb>, orderId: string, items: readonly Line[], saga: Saga): Promise<Result> {
  const lines = mergeLines(items);
  return ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    // Claim first: a concurrent reserve of the same order waits on this row (PostgreSQL, MySQL) and then sees it.
    const claimed = await insertOrIgnore(tx.db, 'reservations', { order_id: orderId, status: 'reserved', saga, reason: null, created_at: now, updated_at: now }, ['order_id']);
    if (claimed === 0) {
      return answer(await tx.db.selectFrom('reservations').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow());
    }
    await sql`savepoint reserve_lines`.execute(tx.db);
    const short: string[] = [];
    for (const line of lines) {
      if (!(await moveStock(tx.db, line, 'on_hand', 'reserved', now))) short.push(line.productId);
    }
    if (short.length > 0) {
      // All or nothing: undo the lines that did move, keep the claimed row and mark it rejected.
      await sql`rollback to savepoint reserve_lines`.execute(tx.db);
      const reason = `out-of-stock: ${short.join(', ')}`;
      await tx.db.updateTable('reservations').set({ status: 'rejected', reason, updated_at: now }).where('order_id', '=', orderId).execute();
      tx.publish(inventoryRejected, orderId, { orderId, reason, saga });
      return { orderId, status: 'rejected', reason };
    }
    await sql`release savepoint reserve_lines`.execute(tx.db);
    await tx.db.insertInto('reservation_lines').values(lines.map((line) => ({ order_id: orderId, product_id: line.productId, quantity: line.quantity }))).execute();
    tx.publish(inventoryReserved, orderId, { orderId, items: lines, saga });
    return { orderId, status: 'reserved', reason: null };
  }, STOCK_TRANSACTION);
}
