import pg from 'pg';
import { databaseUrls, throwawayNames } from './database-url.ts';

export interface TestDatabases {
  urls: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A fresh database per service on the PostgreSQL server at `serverUrl`, named so that parallel test
 * files never share one; dropped again at the end (FORCE: a pool still closing must not keep it).
 */
export async function createTestDatabases(serverUrl: string, services: string[]): Promise<TestDatabases> {
  const names = throwawayNames(services);
  const admin = async (statements: string[]) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(Object.values(names).map((name) => `CREATE DATABASE "${name}"`));
  return {
    urls: databaseUrls(serverUrl, names),
    drop: () => admin(Object.values(names).map((name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}
