import type { TestDatabases } from './postgres-databases.ts';

export type { TestDatabases };

/** Database servers a test system may put services on; a service on none of them gets a SQLite file. */
export interface TestDatabaseServers {
  /** PostgreSQL server (`postgres://user@host:port/postgres`). */
  postgresUrl?: string;
  /** MySQL/MariaDB server (`mysql://user@host:port/`). */
  mysqlUrl?: string;
  /** The services that go on `mysqlUrl` (the others on PostgreSQL if given, else SQLite); unset: all. */
  mysqlServices?: string[];
}

/** The servers named by the environment: AGORA_TEST_POSTGRES_URL, AGORA_TEST_MYSQL_URL, AGORA_TEST_MYSQL_SERVICES (comma-separated, `*` or unset: all). */
export function testDatabaseServersFromEnv(env: NodeJS.ProcessEnv): TestDatabaseServers {
  const listed = (env.AGORA_TEST_MYSQL_SERVICES ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  return {
    postgresUrl: env.AGORA_TEST_POSTGRES_URL || undefined,
    mysqlUrl: env.AGORA_TEST_MYSQL_URL || undefined,
    mysqlServices: listed.length === 0 || listed.includes('*') ? undefined : listed,
  };
}

/** Which services go on which server: MySQL first (those listed, or all), PostgreSQL for the rest, SQLite when neither. */
export function placeServices(services: string[], servers: TestDatabaseServers): { onMysql: string[]; onPostgres: string[] } {
  const onMysql = servers.mysqlUrl ? services.filter((service) => !servers.mysqlServices || servers.mysqlServices.includes(service)) : [];
  const onPostgres = servers.postgresUrl ? services.filter((service) => !onMysql.includes(service)) : [];
  return { onMysql, onPostgres };
}

/**
 * A throwaway database per service on the server it is assigned to; undefined when every service
 * stays on SQLite. Drivers are loaded only for the servers in use.
 */
export async function createTestDatabases(services: string[], servers: TestDatabaseServers): Promise<TestDatabases | undefined> {
  const { postgresUrl, mysqlUrl } = servers;
  const { onMysql, onPostgres } = placeServices(services, servers);
  const created: TestDatabases[] = [];
  try {
    if (onPostgres.length > 0) created.push(await (await import('./postgres-databases.ts')).createTestDatabases(postgresUrl!, onPostgres));
    if (onMysql.length > 0) created.push(await (await import('./mysql-databases.ts')).createMysqlTestDatabases(mysqlUrl!, onMysql));
  } catch (error) {
    await Promise.allSettled(created.map((databases) => databases.drop()));
    throw error;
  }
  if (created.length === 0) return undefined;
  return {
    urls: Object.assign({}, ...created.map((databases) => databases.urls)),
    drop: async () => {
      await Promise.all(created.map((databases) => databases.drop()));
    },
  };
}
