import { upsert, type ServiceContext } from '@agora/chassis';
import type { InventoryDb, StockRow } from '../storage/inventory-db.ts';

/** Every product's three buckets, for the admin console. */
export async function listStock(ctx: ServiceContext<InventoryDb>): Promise<StockRow[]> {
  return ctx.db.selectFrom('stock').selectAll().orderBy('product_id').execute();
}

/**
 * Sets what is available to reserve. Reserved and shipped stock belong to orders and are not
 * touched; the difference to the old on_hand counts as stock added (or removed) by the admin.
 */
export async function setStock(ctx: ServiceContext<InventoryDb>, productId: string, onHand: number): Promise<StockRow> {
  return ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    await upsert(tx.db, 'stock', { product_id: productId, on_hand: onHand, reserved: 0, shipped: 0, updated_at: now }, ['product_id'], { on_hand: onHand, updated_at: now });
    return tx.db.selectFrom('stock').selectAll().where('product_id', '=', productId).executeTakeFirstOrThrow();
  });
}
