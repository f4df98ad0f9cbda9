/**
 * What went wrong in the database, by the codes each driver reports, so handlers and the chassis ask
 * one question whatever the dialect. The error may be wrapped: causes are searched too.
 */
type DriverError = { code?: unknown; errno?: unknown; errcode?: unknown; message?: unknown };

function someCause(error: unknown, test: (cause: DriverError) => boolean): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (test(cause as DriverError)) return true;
  }
  return false;
}

/** SQLSTATEs after which re-running the whole transaction is PostgreSQL's documented remedy. */
const POSTGRES_RETRIABLE = new Set(['40001', '40P01']);
/** ER_LOCK_DEADLOCK and ER_LOCK_WAIT_TIMEOUT: InnoDB's equivalents (a deadlock already rolled the transaction back). */
const MYSQL_RETRIABLE = new Set([1213, 1205]);

/** PostgreSQL: a serialization failure or deadlock. */
export function isPostgresRetriable(error: unknown): boolean {
  return someCause(error, (cause) => POSTGRES_RETRIABLE.has(String(cause.code)));
}

/** MySQL/MariaDB: a deadlock or a lock wait that timed out. */
export function isMysqlRetriable(error: unknown): boolean {
  return someCause(error, (cause) => MYSQL_RETRIABLE.has(Number(cause.errno)));
}

/** SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (node:sqlite's `errcode`). */
const SQLITE_DUPLICATE = new Set([2067, 1555]);

/** A duplicate primary key or unique value: SQLite's constraint error, PostgreSQL 23505, MySQL ER_DUP_ENTRY (1062). */
export function isUniqueViolation(error: unknown): boolean {
  return someCause(
    error,
    (cause) =>
      cause.code === '23505' ||
      cause.errno === 1062 ||
      SQLITE_DUPLICATE.has(Number(cause.errcode)) ||
      (typeof cause.message === 'string' && cause.message.includes('UNIQUE constraint failed')),
  );
}

/**
 * Connection-class SQLSTATEs (08…), server shutdown (57P01-57P03), refused or dropped sockets,
 * MySQL's shutdown and connection limit, and the pools' own words for a server that went away.
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR']);
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Pool is closed/;

/** The database is unreachable (restart, failover, full): the statement did not run. */
export function isConnectionLost(error: unknown): boolean {
  return someCause(error, (cause) => {
    const code = String(cause.code ?? '');
    return CONNECTION_CODES.has(code) || code.startsWith('08') || (typeof cause.message === 'string' && CONNECTION_MESSAGES.test(cause.message));
  });
}
