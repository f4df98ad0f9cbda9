import mysql from 'mysql2';
import { CompiledQuery, MysqlDialect } from 'kysely';
import type { Logger } from '../telemetry/logger.ts';

export interface MysqlPoolOptions {
  /** `mysql://user:password@host:port/database` (or `mariadb://…`). */
  url: string;
  /** Connections this service process keeps at most: its bulkhead on the database server. */
  poolSize: number;
  /** Shown in performance_schema.session_connect_attrs, so a DBA sees which service holds a connection. */
  applicationName: string;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Set on every new connection. A known sql_mode whatever the server's: strict (a value too long for
 * its column is an error, never silently cut) and without NO_BACKSLASH_ESCAPES, which the driver's
 * client-side escaping relies on. On MariaDB only (the `/*M!` comment is a plain comment to MySQL),
 * a transaction left open by a stuck handler is ended after 30 s instead of holding row locks forever.
 */
const SESSION_SETUP = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION' /*M!100300 , idle_transaction_timeout = 30 */";

/**
 * BIGINT (auto-increment keys, count(*)) as a number, as SQLite returns it and as the PostgreSQL pool
 * parses int8, so the same queries give the same types on every dialect.
 */
const typeCast: mysql.TypeCast = (field, next) => {
  if (field.type !== 'LONGLONG') return next();
  const text = field.string();
  return text === null ? null : Number(text);
};

/** The parts of a `mysql://` or `mariadb://` URL the driver takes; it does not know the mariadb scheme. */
export function mysqlConnectionOptions(url: string) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') throw new Error(`not a MySQL/MariaDB URL: ${parsed.protocol}//…`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
  };
}

/** A Kysely dialect over a mysql2 pool; a connection that breaks (server restart) leaves the pool and is replaced on next use. */
export function mysqlDialect(options: MysqlPoolOptions): { dialect: MysqlDialect; pool: mysql.Pool } {
  const pool = mysql.createPool({
    ...mysqlConnectionOptions(options.url),
    connectionLimit: options.poolSize,
    connectTimeout: 5_000,
    idleTimeout: 30_000,
    charset: 'UTF8MB4_BIN',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    typeCast,
    connectAttributes: { program_name: options.applicationName },
  });
  // Without a listener, a connection's error (the server went away) would crash the process; the pool
  // drops the connection itself, and a query in flight fails on its own (its transaction is retried or reported).
  pool.on('connection', (connection) => connection.on('error', (error) => options.logger?.warn({ err: error }, 'database connection failed; it will be replaced')));
  const dialect = new MysqlDialect({
    pool,
    onCreateConnection: async (connection) => {
      await connection.executeQuery(CompiledQuery.raw(SESSION_SETUP));
    },
  });
  return { dialect, pool };
}
