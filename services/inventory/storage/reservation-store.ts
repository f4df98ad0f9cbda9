import type { Transaction } from '@agora/chassis';
import type { InventoryDb, ReservationRow, ReservationStatus } from './inventory-db.ts';
import type { Line } from './stock-moves.ts';

export async function findReservation(db: Transaction<InventoryDb>, orderId: string): Promise<ReservationRow | undefined> {
  return db.selectFrom('reservations').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

/**
 * Changes a reservation's status only if it is still `from`, and says whether it did. Status first,
 * stock second: of two concurrent writers (a redelivery racing a command), only one moves stock.
 */
export async function transition(db: Transaction<InventoryDb>, orderId: string, from: ReservationStatus, to: ReservationStatus, now: string): Promise<boolean> {
  const result = await db.updateTable('reservations').set({ status: to, updated_at: now }).where('order_id', '=', orderId).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The lines a reservation holds, in product order (the order rows are locked in). */
export async function linesOf(db: Transaction<InventoryDb>, orderId: string): Promise<Line[]> {
  const rows = await db.selectFrom('reservation_lines').select(['product_id', 'quantity']).where('order_id', '=', orderId).orderBy('product_id').execute();
  return rows.map((row) => ({ productId: row.product_id, quantity: Number(row.quantity) }));
}
