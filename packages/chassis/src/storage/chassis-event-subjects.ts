import { keyText } from './column-types.ts';
import type { ServiceMigration } from './migration.ts';

/**
 * The subject (the aggregate an event is about: an order id…) on outbox, inbox and dead-letter rows,
 * indexed, so a service answers "what happened to this order here" from its own store; and the
 * delivery attempt that handled an inbox event, so retries show. Nullable: rows written before
 * have neither. SQLite adds one column per statement, so each is its own.
 */
export const eventSubjects: ServiceMigration = {
  async up({ db, dialect }) {
    for (const table of ['outbox', 'inbox', 'dead_letters']) {
      await db.schema.alterTable(table).addColumn('subject', keyText(dialect)).execute();
      await db.schema.createIndex(`${table}_by_subject`).on(table).column('subject').execute();
    }
    await db.schema.alterTable('inbox').addColumn('attempts', 'integer').execute();
  },
};
