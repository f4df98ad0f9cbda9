import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Kysely, type Dialect } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { Type } from 'typebox';
import { defineEvent } from '../contract/events.ts';
import { runOnce, type ConsumerDefinition } from '../events/consumer.ts';
import { recordDeadLetter } from '../events/dead-letters.ts';
import { appendToOutbox, envelopeFor } from '../events/outbox.ts';
import { eventsAbout } from '../events/subject-events.ts';
import type { ServiceContext } from '../service/context.ts';
import { rootLogger } from '../telemetry/logger.ts';
import { createTestDatabases, testDatabaseServersFromEnv, type TestDatabases } from '../testing/test-databases.ts';
import { chassisMigrations } from './chassis-migrations.ts';
import { keyText } from './column-types.ts';
import { openServiceDatabase, type ServiceDatabase, type ServiceMigration, type SqlDialectName } from './database.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';

/** A service's own migration that ran before the chassis added event subjects. */
const serviceMigrations: Record<string, ServiceMigration> = {
  '002-things': {
    async up({ db, dialect }) {
      await db.schema.createTable('things').addColumn('id', keyText(dialect), (c) => c.primaryKey()).execute();
    },
  },
};

const thingShipped = defineEvent('probe', 'thing.shipped.v1', Type.Object({ thingId: Type.String() }), 'A thing left.');
const TRACEPARENT = `00-${'4'.repeat(32)}-${'5'.repeat(16)}-01`;

/** The same checks on SQLite, and on each server the run was given (scripts/with-postgres.ts, scripts/with-mariadb.ts). */
const servers = testDatabaseServersFromEnv(process.env);
const targets: Array<{ name: SqlDialectName; servers: Parameters<typeof createTestDatabases>[1] }> = [
  { name: 'sqlite', servers: {} },
  ...(servers.postgresUrl ? [{ name: 'postgres' as const, servers: { postgresUrl: servers.postgresUrl } }] : []),
  ...(servers.mysqlUrl ? [{ name: 'mysql' as const, servers: { mysqlUrl: servers.mysqlUrl } }] : []),
];

async function dialectFor(target: SqlDialectName, url: string | undefined, folder: string): Promise<Dialect> {
  if (target === 'postgres') return (await import('./postgres-dialect.ts')).postgresDialect({ url: url!, poolSize: 2, applicationName: 'agora-test' }).dialect;
  if (target === 'mysql') return (await import('./mysql-dialect.ts')).mysqlDialect({ url: url!, poolSize: 2, applicationName: 'agora-test' }).dialect;
  return nodeSqliteDialect(join(folder, 'probe.db'));
}

/** Brings a database to where one stood before this migration: the first chassis tables and the service's own. */
async function databaseOfTheLastRelease(target: SqlDialectName, url: string | undefined, folder: string): Promise<void> {
  const db = new Kysely<any>({ dialect: await dialectFor(target, url, folder) });
  const earlier = { ...Object.fromEntries(Object.entries(chassisMigrations).filter(([name]) => name.startsWith('000-'))), ...serviceMigrations };
  const migrations = Object.fromEntries(Object.entries(earlier).map(([name, migration]): [string, Migration] => [name, { up: (database) => migration.up({ db: database, dialect: target }) }]));
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  await db.destroy();
  if (error) throw error;
}

for (const target of targets) {
  describe(`event subjects in the chassis tables on ${target.name}`, () => {
    const folder = mkdtempSync(join(tmpdir(), 'agora-subjects-'));
    let created: TestDatabases | undefined;
    let database: ServiceDatabase<any> | undefined;
    after(async () => {
      await database?.close();
      await created?.drop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('adds the columns to a database whose service migrations already ran', async () => {
      created = await createTestDatabases(['probe'], target.servers);
      await databaseOfTheLastRelease(target.name, created?.urls.probe, folder);
      database = await openServiceDatabase({ service: 'probe', dataDir: folder, databaseUrl: created?.urls.probe }, serviceMigrations);
      assert.equal(database.dialect, target.name);
      const tables = await database.db.introspection.getTables();
      const columns = (table: string) => tables.find((candidate) => candidate.name === table)?.columns.map((column) => column.name) ?? [];
      for (const table of ['outbox', 'inbox', 'dead_letters']) assert.ok(columns(table).includes('subject'), `${table}.subject`);
      assert.ok(columns('inbox').includes('attempts'), 'inbox.attempts');
    });

    it('answers what the store published, handled and parked about one subject', async () => {
      const { db } = database!;
      const published = envelopeFor('probe', thingShipped, 't-1', { thingId: 't-1' });
      published.traceparent = TRACEPARENT;
      const other = envelopeFor('probe', thingShipped, 't-2', { thingId: 't-2' });
      await database!.transaction((trx) => appendToOutbox(trx, [published, other]));

      const consumer: ConsumerDefinition = { name: 'ship', events: [thingShipped], handle: async () => undefined };
      const context = {
        service: 'probe',
        db,
        config: {},
        logger: rootLogger(),
        transaction: (work) => database!.transaction((trx) => work({ db: trx, publish: () => undefined })),
        call: () => Promise.reject(new Error('no calls here')),
      } as ServiceContext<any, any>;
      // Handled on the third delivery: the attempt is kept.
      assert.equal(await runOnce(consumer, context, 'probe.ship', published, 3), true);
      await recordDeadLetter(db, 'probe.audit', published, new Error('audit store down'), 5);

      const about = await eventsAbout(db, 't-1');
      assert.deepEqual(about.published.map(({ eventId, type, traceId }) => ({ eventId, type, traceId })), [{ eventId: published.id, type: 'thing.shipped.v1', traceId: '4'.repeat(32) }]);
      assert.equal(about.published[0]!.at, published.time);
      assert.deepEqual(about.handled.map(({ eventId, consumer, attempts, type }) => ({ eventId, consumer, attempts, type })), [{ eventId: published.id, consumer: 'probe.ship', attempts: 3, type: 'thing.shipped.v1' }]);
      assert.deepEqual(about.deadLettered.map(({ eventId, consumer, attempts, error, type }) => ({ eventId, consumer, attempts, error, type })), [
        { eventId: published.id, consumer: 'probe.audit', attempts: 5, error: 'audit store down', type: 'thing.shipped.v1' },
      ]);
      assert.deepEqual(await eventsAbout(db, 't-3'), { published: [], handled: [], deadLettered: [] });
    });
  });
}
