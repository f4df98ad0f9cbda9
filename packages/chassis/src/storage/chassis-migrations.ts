import { eventSubjects } from './chassis-event-subjects.ts';
import { keyText, sequenceColumnType } from './column-types.ts';
import type { ServiceMigration } from './migration.ts';

/**
 * Tables every service gets from the chassis: the transactional outbox, the inbox that deduplicates
 * deliveries per consumer, and the dead-letter store. Names start with 000 so they run first on a
 * new database; later chassis migrations (001-chassis-…) run among a service's own by name, and on
 * a database that already has the service's migrations, after them (see `migrate`).
 */
export const chassisMigrations: Record<string, ServiceMigration> = {
  '000-chassis-outbox': {
    async up({ db, dialect }) {
      await db.schema
        .createTable('outbox')
        .addColumn('seq', sequenceColumnType(dialect), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', keyText(dialect), (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('published_at', keyText(dialect))
        .execute();
      await db.schema.createIndex('outbox_unpublished').on('outbox').columns(['published_at', 'seq']).execute();
    },
  },
  '000-chassis-inbox': {
    async up({ db, dialect }) {
      await db.schema
        .createTable('inbox')
        .addColumn('consumer', keyText(dialect), (c) => c.notNull())
        .addColumn('event_id', keyText(dialect), (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('handled_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inbox_pk', ['consumer', 'event_id'])
        .execute();
    },
  },
  '000-chassis-dead-letters': {
    async up({ db, dialect }) {
      await db.schema
        .createTable('dead_letters')
        .addColumn('seq', sequenceColumnType(dialect), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('consumer', keyText(dialect), (c) => c.notNull())
        .addColumn('event_id', keyText(dialect), (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('failed_at', 'text', (c) => c.notNull())
        .addColumn('replayed_at', 'text')
        .execute();
      await db.schema.createIndex('dead_letters_by_event').on('dead_letters').columns(['consumer', 'event_id']).execute();
    },
  },
  '001-chassis-event-subjects': eventSubjects,
};
