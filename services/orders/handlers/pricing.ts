import { consume, problems, upsert, type ServiceContext } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import { productChanged } from '@agora/catalog/contract/events';
import type { OrdersDb } from '../storage/orders-db.ts';

export interface PricedProduct {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
}

async function remember(ctx: ServiceContext<OrdersDb>, products: PricedProduct[]): Promise<void> {
  const now = new Date().toISOString();
  for (const product of products) {
    await upsert(
      ctx.db,
      'product_cache',
      { product_id: product.id, sku: product.sku, name: product.name, price_cents: product.priceCents, currency: product.currency, updated_at: now },
      ['product_id'],
      { name: product.name, price_cents: product.priceCents, currency: product.currency, updated_at: now },
    );
  }
}

async function fromCache(ctx: ServiceContext<OrdersDb>, ids: string[]): Promise<{ items: PricedProduct[] }> {
  const rows = await ctx.db.selectFrom('product_cache').selectAll().where('product_id', 'in', ids).execute();
  if (rows.length < new Set(ids).size) throw problems.unavailable('the catalog is unavailable and some prices are not cached; try again shortly', { headers: { 'retry-after': '5' } });
  ctx.logger.warn({ products: ids }, 'catalog unavailable: pricing from cache');
  return { items: rows.map((row) => ({ id: row.product_id, sku: row.sku, name: row.name, priceCents: Number(row.price_cents), currency: row.currency })) };
}

/**
 * Current prices from the catalog, through the chassis' breaker; when the catalog fails or the
 * breaker is open, the last known prices (kept from earlier answers and product.changed events).
 * A read-only caller (a quote) prices the same way but writes nothing, not even to that cache.
 */
export async function priceProducts(ctx: ServiceContext<OrdersDb>, ids: string[], { readOnly = false }: { readOnly?: boolean } = {}): Promise<Map<string, PricedProduct>> {
  const unique = [...new Set(ids)];
  let live = false;
  const { items } = await ctx.call(catalogApi, 'lookupPrices', { body: { ids: unique } }, { fallback: () => fromCache(ctx, unique) }).then((answer) => {
    live = true;
    return answer;
  });
  if (live && !readOnly) await remember(ctx, items);
  return new Map(items.map((item) => [item.id, item]));
}

/** Keeps the fallback cache fresh between checkouts. */
export const refreshPriceCache = consume(productChanged, 'refresh-price-cache', async (event, ctx: ServiceContext<OrdersDb>) => {
  const { productId, sku, name, priceCents, currency } = event.data;
  await ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    await upsert(tx.db, 'product_cache', { product_id: productId, sku, name, price_cents: priceCents, currency, updated_at: now }, ['product_id'], { name, price_cents: priceCents, currency, updated_at: now });
  });
});
