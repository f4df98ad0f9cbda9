import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { Type } from 'typebox';
import { defaultResilience, defineApi, defineService, defineStorage, openServiceDatabase, startEmbedded, type ServiceContext } from '../index.ts';

/** SQLite's synchronous level on this connection: 1 NORMAL (commits not synced), 2 FULL (every commit synced). */
async function synchronous(db: Kysely<any>): Promise<number> {
  const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db);
  return rows[0]!.synchronous;
}

const NORMAL = 1;
const FULL = 2;

describe('syncing the commits of an embedded (SQLite) database', () => {
  it('skips the sync while it is set up, and syncs every commit once the set-up is done', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-setup-sync-'));
    try {
      const opened = await openServiceDatabase({ service: 'notes', dataDir, moreSetup: true }, {});
      assert.equal(await synchronous(opened.db as Kysely<any>), NORMAL, 'migrations and sample data unsynced');
      await opened.setupDone();
      assert.equal(await synchronous(opened.db as Kysely<any>), FULL);
      await opened.close();

      const plain = await openServiceDatabase({ service: 'other', dataDir }, {});
      assert.equal(await synchronous(plain.db as Kysely<any>), FULL, 'without more set-up, synced from the migrations on');
      await plain.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('has a service write its sample data unsynced and serve with every commit synced', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-setup-sync-'));
    let context: ServiceContext<any> | undefined;
    let duringSeed: number | undefined;
    const notes = defineService({
      name: 'notes',
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
            duringSeed = await synchronous(given.db);
            await given.transaction((tx) => tx.db.insertInto('notes').values({ id: 'sample' }).execute());
          },
        };
      },
    });
    const system = await startEmbedded([notes], { dataDir, resilience: defaultResilience, verifyIdempotency: false, maxDeliver: 3, consumerConcurrency: 1, seed: true });
    try {
      assert.equal(duringSeed, NORMAL);
      assert.equal(await synchronous(context!.db), FULL);
      assert.deepEqual((await context!.db.selectFrom('notes').select('id').execute()).map((row: { id: string }) => row.id), ['sample']);
    } finally {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
