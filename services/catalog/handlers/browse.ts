import { problems, type ServiceContext } from '@agora/chassis';
import type { CatalogDb, ProductRow } from '../storage/catalog-db.ts';
import { decodeCursor, encodeCursor } from '../storage/cursor.ts';

export async function listProducts(ctx: ServiceContext<CatalogDb>, limit: number, cursor: string | undefined) {
  const after = decodeCursor(cursor);
  let query = ctx.db.selectFrom('products').selectAll().orderBy('id').limit(limit + 1);
  if (after !== undefined) query = query.where('id', '>', after);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
}

export async function findProduct(ctx: ServiceContext<CatalogDb>, id: string): Promise<ProductRow> {
  const row = await ctx.db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw problems.notFound(`product ${id} does not exist`);
  return row;
}

export async function lookupProducts(ctx: ServiceContext<CatalogDb>, ids: string[]): Promise<ProductRow[]> {
  return ctx.db.selectFrom('products').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}
