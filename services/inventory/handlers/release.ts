import { insertOrIgnore, type ServiceContext, type Static } from '@agora/chassis';
import type { ReservationResult } from '../contract/api.ts';
import { inventoryReleased } from '../contract/events.ts';
import { toResult, type InventoryDb, type Saga } from '../storage/inventory-db.ts';
import { findReservation, linesOf, transition } from '../storage/reservation-store.ts';
import { moveAll, STOCK_TRANSACTION } from '../storage/stock-moves.ts';

/**
 * Gives an order's stock back (compensation; idempotent). Reserved stock returns to on_hand; shipped
 * stock too (the shipment was called back). With no reservation yet, a 'cancelled' tombstone makes a
 * late reserve for the order reject instead of holding stock for a cancelled order.
 */
export async function release(ctx: ServiceContext<InventoryDb>, orderId: string, saga: Saga): Promise<Static<typeof ReservationResult>> {
  return ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    let row = await findReservation(tx.db, orderId);
    if (!row) {
      const inserted = await insertOrIgnore(tx.db, 'reservations', { order_id: orderId, status: 'cancelled', saga, reason: 'order-cancelled', created_at: now, updated_at: now }, ['order_id']);
      row = await findReservation(tx.db, orderId);
      // Not inserted: a reserve committed in between, and that reservation is released below.
      if (inserted === 1 || !row) return { orderId, status: 'released', reason: 'order-cancelled' };
    }
    if (row.status !== 'reserved' && row.status !== 'shipped') return toResult(row);
    if (!(await transition(tx.db, orderId, row.status, 'released', now))) return toResult((await findReservation(tx.db, orderId))!);
    const lines = await linesOf(tx.db, orderId);
    await moveAll(tx.db, lines, row.status, 'on_hand', now);
    tx.publish(inventoryReleased, orderId, { orderId, items: lines, saga });
    return { orderId, status: 'released', reason: row.reason };
  }, STOCK_TRANSACTION);
}
