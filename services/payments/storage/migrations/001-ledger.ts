import { keyText, type ServiceMigration } from '@agora/chassis';

/** The ledger: append-only, one stream per order, versions without gaps. Nothing updates or deletes it. */
export const createLedger: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('payment_events')
      .addColumn('stream_id', keyText(dialect), (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('payment_events_pk', ['stream_id', 'version'])
      .execute();
  },
};
