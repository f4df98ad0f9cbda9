import mysql from 'mysql2/promise';
import { mysqlConnectionOptions } from '../storage/mysql-dialect.ts';
import type { TestDatabases } from './postgres-databases.ts';
import { databaseUrls, throwawayNames } from './database-url.ts';

/**
 * A fresh database per service on the MySQL/MariaDB server at `serverUrl` (a user allowed to create
 * databases), named so that parallel test files never share one; dropped again at the end. Binary
 * collation, as Agora's own server creates them, so ids compare case-sensitively.
 */
export async function createMysqlTestDatabases(serverUrl: string, services: string[]): Promise<TestDatabases> {
  const names = throwawayNames(services);
  const admin = async (statements: string[]) => {
    const connection = await mysql.createConnection({ ...mysqlConnectionOptions(serverUrl), database: undefined });
    try {
      for (const statement of statements) await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  await admin(Object.values(names).map((name) => `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`));
  return {
    urls: databaseUrls(serverUrl, names),
    drop: () => admin(Object.values(names).map((name) => `DROP DATABASE IF EXISTS \`${name}\``)),
  };
}
