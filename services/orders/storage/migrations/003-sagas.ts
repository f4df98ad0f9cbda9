import { keyText, type ServiceMigration } from '@agora/chassis';

/** State of orchestrated sagas: the step reached, so a restarted process resumes where it stopped. */
export const createSagas: ServiceMigration = {
  async up({ db, dialect }) {
    await db.schema
      .createTable('sagas')
      .addColumn('order_id', keyText(dialect), (c) => c.primaryKey())
      .addColumn('step', keyText(dialect), (c) => c.notNull())
      .addColumn('card_token', 'text', (c) => c.notNull())
      .addColumn('traceparent', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', keyText(dialect), (c) => c.notNull())
      .addColumn('log', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sagas_due').on('sagas').columns(['step', 'next_attempt_at']).execute();
  },
};
