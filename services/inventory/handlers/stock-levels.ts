import { problems, upsert, type ServiceContext } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import type { InventoryDb, StockRow } from '../storage/inventory-db.ts';

/** Every product's three buckets, for the admin console. */
export async function listStock(ctx: ServiceContext<InventoryDb>): Promise<StockRow[]> {
  return ctx.db.selectFrom('stock').selectAll().orderBy('product_id').execute();
}

/**
 * A product gets its first stock only if the catalog has it, so no stock is kept under a mistyped
 * id that no order can ever reserve. Products already stocked are known: setting their stock needs
 * no catalog, and works while it is down.
 */
async function ensureProductExists(ctx: ServiceContext<InventoryDb>, productId: string): Promise<void> {
  const stocked = await ctx.db.selectFrom('stock').select('product_id').where('product_id', '=', productId).executeTakeFirst();
  if (stocked) return;
  const { items } = await ctx.call(catalogApi, 'lookupPrices', { body: { ids: [productId] } });
  if (items.length === 0) {
    throw problems.notFound(`product ${productId} is not in the catalog`, { errors: [{ field: 'path/productId', message: 'is not a product in the catalog' }] });
  }
}

/**
 * Sets what is available to reserve. Reserved and shipped stock belong to orders and are not
 * touched; the difference to the old on_hand counts as stock added (or removed) by the admin.
 */
export async function setStock(ctx: ServiceContext<InventoryDb>, productId: string, onHand: number): Promise<StockRow> {
  await ensureProductExists(ctx, productId);
  return ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    await upsert(tx.db, 'stock', { product_id: productId, on_hand: onHand, reserved: 0, shipped: 0, updated_at: now }, ['product_id'], { on_hand: onHand, updated_at: now });
    return tx.db.selectFrom('stock').selectAll().where('product_id', '=', productId).executeTakeFirstOrThrow();
  });
}
