import { keyText, type ServiceMigration } from '@agora/chassis';

/** The query side (CQRS): one denormalized document per order, and the price cache used as fallback. */
export const createReadModel: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('order_views')
      .addColumn('order_id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('product_cache')
      .addColumn('product_id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('price_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
