import type { ServiceMigration } from '@agora/chassis';

/** Every user's newest orders (the operators' list) read from an index, not a scan of all orders. */
export const indexOrdersByTime: ServiceMigration = {
  async up({ db }) {
    await db.schema.createIndex('orders_by_time').on('orders').columns(['created_at', 'id']).execute();
  },
};
