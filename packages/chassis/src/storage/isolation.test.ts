import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Transaction } from 'kysely';
import { createTestDatabases, testDatabaseServersFromEnv, type TestDatabases } from '../testing/test-databases.ts';
import { keyText } from './column-types.ts';
import { openServiceDatabase, type ServiceDatabase, type ServiceMigration, type TransactionOptions } from './database.ts';

interface ProbeDb {
  counters: { id: string; value: number };
}

const migrations: Record<string, ServiceMigration> = {
  '001-counters': {
    async up({ db, dialect }) {
      await db.schema
        .createTable('counters')
        .addColumn('id', keyText(dialect), (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};

const servers = testDatabaseServersFromEnv(process.env);
const targets = [
  ...(servers.postgresUrl ? [{ name: 'postgres', servers: { postgresUrl: servers.postgresUrl } }] : []),
  ...(servers.mysqlUrl ? [{ name: 'mysql', servers: { mysqlUrl: servers.mysqlUrl } }] : []),
];

/**
 * Two transactions take one unit from the same row, the second while the first still holds it.
 * Returns how many times the second one's work ran (a serialization failure runs it again).
 */
async function secondWriterRuns(database: ServiceDatabase<ProbeDb>, options?: TransactionOptions): Promise<number> {
  const take = (trx: Transaction<ProbeDb>) =>
    trx.updateTable('counters').set((eb) => ({ value: eb('value', '-', 1) })).where('id', '=', 'stock').where('value', '>=', 1).execute();
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const first = database.transaction(async (trx) => {
    await take(trx);
    holding();
    await sleep(300);
  }, options);
  await held;
  let runs = 0;
  const second = database.transaction(async (trx) => {
    runs++;
    await take(trx);
  }, options);
  await Promise.all([first, second]);
  return runs;
}

for (const target of targets) {
  describe(`transaction isolation on ${target.name}`, () => {
    const folder = mkdtempSync(join(tmpdir(), 'agora-isolation-'));
    let created: TestDatabases | undefined;
    let database: ServiceDatabase<ProbeDb> | undefined;
    const open = async () => {
      if (database) return database;
      created = await createTestDatabases(['probe'], target.servers);
      database = await openServiceDatabase<ProbeDb>({ service: 'probe', dataDir: folder, databaseUrl: created?.urls.probe, poolSize: 4 }, migrations);
      await database.db.insertInto('counters').values({ id: 'stock', value: 100 }).execute();
      return database;
    };
    after(async () => {
      await database?.close();
      await created?.drop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('runs read committed when asked: a second writer of a held row waits and re-checks, and runs once', async () => {
      const opened = await open();
      assert.equal(await secondWriterRuns(opened, { isolation: 'read committed' }), 1);
      if (target.name === 'postgres') {
        const level = await opened.transaction(async (trx) => (await sql<{ transaction_isolation: string }>`SHOW transaction_isolation`.execute(trx)).rows[0]!.transaction_isolation, { isolation: 'read committed' });
        assert.equal(level, 'read committed');
      }
    });

    it('runs serializable otherwise', async () => {
      const opened = await open();
      if (target.name === 'postgres') {
        // PostgreSQL fails the second writer ("could not serialize access") and the chassis runs it again.
        assert.equal(await secondWriterRuns(opened), 2);
        const level = await opened.transaction(async (trx) => (await sql<{ transaction_isolation: string }>`SHOW transaction_isolation`.execute(trx)).rows[0]!.transaction_isolation);
        assert.equal(level, 'serializable');
      } else {
        // InnoDB's SERIALIZABLE locks rather than fails: the second writer waits, as under read committed.
        assert.equal(await secondWriterRuns(opened), 1);
      }
      const { value } = await opened.db.selectFrom('counters').select('value').where('id', '=', 'stock').executeTakeFirstOrThrow();
      assert.equal(Number(value), 96, 'four units taken, none twice');
    });
  });
}
