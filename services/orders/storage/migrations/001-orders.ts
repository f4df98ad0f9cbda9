import { keyText, type ServiceMigration } from '@agora/chassis';

export const createOrders: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('orders')
      .addColumn('id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('user_id', keyText(dialect), (c) => c.notNull())
      .addColumn('idempotency_key', keyText(dialect, 255), (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('total_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('shipping_address', 'text', (c) => c.notNull())
      .addColumn('saga', 'text', (c) => c.notNull())
      .addColumn('stock_state', 'text', (c) => c.notNull())
      .addColumn('payment_state', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', keyText(dialect), (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('orders_user_idempotency_key', ['user_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('orders_by_user').on('orders').columns(['user_id', 'created_at', 'id']).execute();
    await db.schema
      .createTable('order_history')
      .addColumn('order_id', keyText(dialect), (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('order_history_pk', ['order_id', 'position'])
      .execute();
  },
};
