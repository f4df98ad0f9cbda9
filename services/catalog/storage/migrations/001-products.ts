import { keyText, type ServiceMigration } from '@agora/chassis';

export const createProducts: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('products')
      .addColumn('id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('sku', keyText(dialect), (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('price_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
