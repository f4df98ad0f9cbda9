import { keyText, type ServiceMigration } from '@agora/chassis';

/** Stock per product in three buckets, and one reservation (with its lines) per order. */
export const createStock: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('stock')
      .addColumn('product_id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('on_hand', 'integer', (c) => c.notNull())
      .addColumn('reserved', 'integer', (c) => c.notNull())
      .addColumn('shipped', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('reservations')
      .addColumn('order_id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('saga', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('reservation_lines')
      .addColumn('order_id', keyText(dialect), (c) => c.notNull())
      .addColumn('product_id', keyText(dialect), (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('reservation_lines_pk', ['order_id', 'product_id'])
      .execute();
  },
};
