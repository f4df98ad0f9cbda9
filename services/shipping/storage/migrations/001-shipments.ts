import { keyText, type ServiceMigration } from '@agora/chassis';

/** The join of the checkout events per order, and the shipments (at most one per order). */
export const createShipments: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('shipment_joins')
      .addColumn('order_id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('user_id', 'text')
      .addColumn('address', 'text')
      .addColumn('saga', 'text')
      .addColumn('has_order', 'integer', (c) => c.notNull())
      .addColumn('stock_reserved', 'integer', (c) => c.notNull())
      .addColumn('payment_captured', 'integer', (c) => c.notNull())
      .addColumn('cancelled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('shipments')
      .addColumn('id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('order_id', keyText(dialect), (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('carrier', 'text', (c) => c.notNull())
      .addColumn('tracking_number', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
