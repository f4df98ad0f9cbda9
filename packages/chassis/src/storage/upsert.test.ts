import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createTestDatabases, testDatabaseServersFromEnv, type TestDatabases } from '../testing/test-databases.ts';
import { keyText } from './column-types.ts';
import { openServiceDatabase, type ServiceDatabase, type ServiceMigration } from './database.ts';
import { isUniqueViolation } from './sql-errors.ts';
import { insertOrIgnore, upsert } from './upsert.ts';

interface ProbeDb {
  things: { id: string; name: string; hits: number };
}

const migrations: Record<string, ServiceMigration> = {
  '001-things': {
    async up({ db, dialect }) {
      await db.schema
        .createTable('things')
        .addColumn('id', keyText(dialect), (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};

/** Rows as plain objects: node:sqlite returns them without a prototype. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** The same checks on SQLite, and on each server the run was given (scripts/with-postgres.ts, scripts/with-mariadb.ts). */
const servers = testDatabaseServersFromEnv(process.env);
const targets: Array<{ name: string; servers: Parameters<typeof createTestDatabases>[1] }> = [
  { name: 'sqlite', servers: {} },
  ...(servers.postgresUrl ? [{ name: 'postgres', servers: { postgresUrl: servers.postgresUrl } }] : []),
  ...(servers.mysqlUrl ? [{ name: 'mysql', servers: { mysqlUrl: servers.mysqlUrl } }] : []),
];

for (const target of targets) {
  describe(`dialect-neutral writes on ${target.name}`, () => {
    const folder = mkdtempSync(join(tmpdir(), 'agora-upsert-'));
    let created: TestDatabases | undefined;
    let database: ServiceDatabase<ProbeDb> | undefined;
    const open = async () => {
      if (database) return database;
      created = await createTestDatabases(['probe'], target.servers);
      database = await openServiceDatabase<ProbeDb>({ service: 'probe', dataDir: folder, databaseUrl: created?.urls.probe }, migrations);
      assert.equal(database.dialect, target.name);
      return database;
    };
    after(async () => {
      await database?.close();
      await created?.drop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('inserts a row once and counts what it inserted, as 1 then 0', async () => {
      const { db } = await open();
      assert.equal(await insertOrIgnore(db, 'things', { id: 't-1', name: 'first', hits: 1 }, ['id']), 1);
      assert.equal(await insertOrIgnore(db, 'things', { id: 't-1', name: 'second', hits: 2 }, ['id']), 0);
      assert.equal(await insertOrIgnore(db, 'things', [{ id: 't-1', name: 'x', hits: 0 }, { id: 't-2', name: 'y', hits: 0 }, { id: 't-3', name: 'z', hits: 0 }]), 2);
      const row = await db.selectFrom('things').selectAll().where('id', '=', 't-1').executeTakeFirstOrThrow();
      assert.deepEqual(plain(row), { id: 't-1', name: 'first', hits: 1 });
    });

    it('compares keys case-sensitively', async () => {
      const { db } = await open();
      assert.equal(await insertOrIgnore(db, 'things', { id: 'Case-Key', name: 'upper', hits: 0 }, ['id']), 1);
      assert.equal(await insertOrIgnore(db, 'things', { id: 'case-key', name: 'lower', hits: 0 }, ['id']), 1);
      const found = await db.selectFrom('things').select('name').where('id', '=', 'case-key').execute();
      assert.deepEqual(plain(found), [{ name: 'lower' }]);
    });

    it('upserts: inserts, then updates the row that is there, inside a transaction too', async () => {
      const { db, transaction } = await open();
      await upsert(db, 'things', { id: 'u-1', name: 'new', hits: 1 }, ['id'], { name: 'updated', hits: 2 });
      assert.deepEqual(plain(await db.selectFrom('things').select(['name', 'hits']).where('id', '=', 'u-1').executeTakeFirst()), { name: 'new', hits: 1 });
      await transaction((trx) => upsert(trx, 'things', { id: 'u-1', name: 'new', hits: 1 }, ['id'], { name: 'updated', hits: 2 }));
      assert.deepEqual(plain(await db.selectFrom('things').select(['name', 'hits']).where('id', '=', 'u-1').executeTakeFirst()), { name: 'updated', hits: 2 });
    });

    it('recognises a duplicate key, and returns counts as numbers', async () => {
      const { db } = await open();
      await assert.rejects(db.insertInto('things').values({ id: 't-1', name: 'again', hits: 0 }).execute(), (error) => isUniqueViolation(error));
      const { count } = await db.selectFrom('things').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      assert.equal(typeof count, 'number');
    });

    it('loses no update when transactions read and write the same row concurrently (serializable, retried)', async () => {
      const { db, transaction } = await open();
      await insertOrIgnore(db, 'things', { id: 'counter', name: 'counter', hits: 0 }, ['id']);
      await Promise.all(
        Array.from({ length: 5 }, () =>
          transaction(async (trx) => {
            const { hits } = await trx.selectFrom('things').select('hits').where('id', '=', 'counter').executeTakeFirstOrThrow();
            await trx.updateTable('things').set({ hits: Number(hits) + 1 }).where('id', '=', 'counter').execute();
          }),
        ),
      );
      assert.equal(Number((await db.selectFrom('things').select('hits').where('id', '=', 'counter').executeTakeFirstOrThrow()).hits), 5);
    });
  });
}
