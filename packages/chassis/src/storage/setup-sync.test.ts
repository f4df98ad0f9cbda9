import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { Type } from 'typebox';
import { defaultResilience, defineApi, defineService, defineStorage, openServiceDatabase, startEmbedded, type ServiceContext } from '../index.ts';
import { walSyncSeconds } from '../telemetry/metrics.ts';

/** SQLite's synchronous level on this connection: 1 NORMAL (a commit is appended to the log, not flushed). */
async function synchronous(db: Kysely<any>): Promise<number> {
  const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db);
  return rows[0]!.synchronous;
}

const NORMAL = 1;

/** Flushes of a service's write-ahead log so far. */
async function flushes(service: string): Promise<number> {
  const { values } = await walSyncSeconds.get();
  return values.find((value) => value.metricName?.endsWith('_count') && value.labels.service === service)?.value ?? 0;
}

describe('flushing the commits of an embedded (SQLite) database', () => {
  it('flushes no commit while it is set up, and has every commit flushed before it returns once the set-up is done', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-setup-sync-'));
    try {
      const opened = await openServiceDatabase<any>({ service: 'notes', dataDir, moreSetup: true }, {});
      const db = opened.db as Kysely<any>;
      await db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      await opened.transaction((trx) => trx.insertInto('notes').values({ id: 'sample' }).execute());
      assert.equal(await flushes('notes'), 0, 'migrations and sample data: no flush each');
      assert.equal(await synchronous(db), NORMAL, 'commits are flushed by the chassis, not by SQLite on the event loop');
      await opened.setupDone();

      await opened.transaction((trx) => trx.insertInto('notes').values({ id: 'a' }).execute());
      assert.equal(await flushes('notes'), 1, 'a transaction returns after its flush');
      await db.insertInto('notes').values({ id: 'b' }).execute();
      assert.equal(await flushes('notes'), 2, 'so does a write outside a transaction');
      await db.selectFrom('notes').selectAll().execute();
      await opened.transaction((trx) => trx.selectFrom('notes').selectAll().execute());
      assert.equal(await flushes('notes'), 3, 'a read flushes nothing (an empty transaction commits, and is flushed)');
      // Commits made while one flush is under way share the next one.
      await Promise.all(['c', 'd', 'e', 'f'].map((id) => opened.transaction((trx) => trx.insertInto('notes').values({ id }).execute())));
      assert.ok((await flushes('notes')) <= 3 + 4, 'never more flushes than commits');
      await opened.close();

      const plain = await openServiceDatabase<any>({ service: 'other', dataDir }, {});
      await plain.transaction((trx) => sql`CREATE TABLE t (id INTEGER)`.execute(trx));
      assert.equal(await flushes('other'), 1, 'without more set-up, flushed from the migrations on');
      await plain.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('has a service write its sample data without a flush each, and serve with every commit flushed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-setup-sync-'));
    let context: ServiceContext<any> | undefined;
    let duringSeed: number | undefined;
    const notes = defineService({
      name: 'notes-service',
      description: 'Notes (test).',
      api: defineApi('notes', '1.0.0', {}),
      publishes: [],
      dependsOn: [],
      config: Type.Object({}),
      storage: defineStorage<any>({ '001-notes': { up: ({ db }) => db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute() } }),
      create: (given) => {
        context = given;
        return {
          handlers: {},
          seed: async () => {
            await given.transaction((tx) => tx.db.insertInto('notes').values({ id: 'sample' }).execute());
            duringSeed = await flushes('notes-service');
          },
        };
      },
    });
    const system = await startEmbedded([notes], { dataDir, resilience: defaultResilience, verifyIdempotency: false, maxDeliver: 3, consumerConcurrency: 1, seed: true });
    try {
      assert.equal(duringSeed, 0, 'the sample data is not flushed commit by commit');
      await context!.transaction((tx) => tx.db.insertInto('notes').values({ id: 'served' }).execute());
      assert.equal(await flushes('notes-service'), 1, 'once serving, a commit returns after its flush');
      assert.deepEqual((await context!.db.selectFrom('notes').select('id').execute()).map((row: { id: string }) => row.id), ['sample', 'served']);
    } finally {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
