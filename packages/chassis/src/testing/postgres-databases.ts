import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrls } from './database-url.ts';

export interface TestDatabases {
  urls: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A fresh database per service on the PostgreSQL server at `serverUrl`, named so that parallel test
 * files never share one; dropped again at the end (FORCE: a pool still closing must not keep it).
 */
export async function createTestDatabases(serverUrl: string, services: string[]): Promise<TestDatabases> {
  const run = randomBytes(4).toString('hex');
  const names = Object.fromEntries(services.map((service) => [service, `test_${run}_${service}`]));
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (const name of Object.values(names)) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    urls: databaseUrls(serverUrl, names),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        for (const name of Object.values(names)) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
