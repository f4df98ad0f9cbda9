import { randomUUID } from 'node:crypto';
import { problems, type ServiceContext, type Static } from '@agora/chassis';
import type { NewProduct, ProductChanges } from '../contract/api.ts';
import { productChanged } from '../contract/events.ts';
import type { CatalogDb, ProductRow } from '../storage/catalog-db.ts';

function changedEvent(row: ProductRow, change: 'created' | 'updated') {
  return { productId: row.id, sku: row.sku, name: row.name, priceCents: Number(row.price_cents), currency: row.currency, change };
}

export async function createProduct(ctx: ServiceContext<CatalogDb>, input: Static<typeof NewProduct>): Promise<ProductRow> {
  const now = new Date().toISOString();
  const row: ProductRow = {
    id: `p-${randomUUID()}`,
    sku: input.sku,
    name: input.name,
    description: input.description ?? '',
    category: input.category ?? 'general',
    price_cents: input.priceCents,
    currency: input.currency,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  return ctx.transaction(async (tx) => {
    const taken = await tx.db.selectFrom('products').select('id').where('sku', '=', input.sku).executeTakeFirst();
    if (taken) throw problems.conflict(`sku ${input.sku} is already used by product ${taken.id}`, { errors: [{ field: 'body/sku', message: 'is already in use' }] });
    await tx.db.insertInto('products').values(row).execute();
    tx.publish(productChanged, row.id, changedEvent(row, 'created'));
    return row;
  });
}

export async function updateProduct(ctx: ServiceContext<CatalogDb>, id: string, changes: Static<typeof ProductChanges>): Promise<ProductRow> {
  return ctx.transaction(async (tx) => {
    const current = await tx.db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw problems.notFound(`product ${id} does not exist`);
    const next: ProductRow = {
      ...current,
      name: changes.name ?? current.name,
      description: changes.description ?? current.description,
      category: changes.category ?? current.category,
      price_cents: changes.priceCents ?? current.price_cents,
      version: Number(current.version) + 1,
      updated_at: new Date().toISOString(),
    };
    await tx.db.updateTable('products').set(next).where('id', '=', id).execute();
    tx.publish(productChanged, id, changedEvent(next, 'updated'));
    return next;
  });
}
