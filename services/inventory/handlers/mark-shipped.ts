import type { ServiceContext } from '@agora/chassis';
import type { InventoryDb } from '../storage/inventory-db.ts';
import { linesOf, transition } from '../storage/reservation-store.ts';
import { moveAll, STOCK_TRANSACTION } from '../storage/stock-moves.ts';

/** Reserved stock left with a shipment: reserved → shipped. Any other state (released, rejected) is left alone. */
export async function markShipped(ctx: ServiceContext<InventoryDb>, orderId: string): Promise<void> {
  await ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    if (!(await transition(tx.db, orderId, 'reserved', 'shipped', now))) return;
    await moveAll(tx.db, await linesOf(tx.db, orderId), 'reserved', 'shipped', now);
  }, STOCK_TRANSACTION);
}
