import pg from 'pg';
import { PostgresDialect } from 'kysely';
import type { Logger } from '../telemetry/logger.ts';

const INT8 = 20;

/**
 * Parses int8 (bigserial keys, count(*)) as a number, as SQLite returns it, so the same queries give
 * the same types on both dialects. Per pool rather than pg's global registry: other code in the same
 * process keeps pg's defaults.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresPoolOptions {
  url: string;
  /** Connections this service process keeps at most: its bulkhead on the database server. */
  poolSize: number;
  /** Shown in pg_stat_activity, so a DBA sees which service holds a connection. */
  applicationName: string;
  logger?: Pick<Logger, 'warn'>;
}

/** A Kysely dialect over a pg pool; idle connections that break (server restart) are dropped and replaced on next use. */
export function postgresDialect(options: PostgresPoolOptions): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A transaction left open by a stuck handler must not hold row locks forever.
    idle_in_transaction_session_timeout: 30_000,
    // Every transaction runs SERIALIZABLE. A sequential scan there takes a predicate lock on the
    // whole table, so on small tables (where the planner prefers one) every concurrent insert looks
    // like a conflict; index scans lock only what they read. Agora's queries all have an index.
    options: '-c enable_seqscan=off',
    types,
  });
  // Without listeners, a connection's error (the server went away) would crash the process: the
  // pool listens on idle clients, and each client gets its own for while it is checked out (the
  // query in flight fails on its own and the transaction is retried or reported).
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle database connection failed; it will be replaced'));
  pool.on('connect', (client) => client.on('error', (error) => options.logger?.warn({ err: error }, 'database connection failed while in use')));
  return { dialect: new PostgresDialect({ pool }), pool };
}
