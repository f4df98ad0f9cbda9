import { pino, type Logger, type LoggerOptions } from 'pino';
import { RecentLogLines, type LogQuery, type LogRecord } from './recent-logs.ts';
import { activeTraceIds } from './tracing.ts';

export type { Logger };

/**
 * Fields that must never reach a log line, wherever they sit in a logged object (up to two levels
 * down: a request's `headers.authorization`, a checkout's `body.payment.cardToken`).
 */
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'access_token', 'cardToken', 'card_token'];
export const REDACTED = '[redacted]';

export const loggerOptions = (level: string): LoggerOptions => ({
  level,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  messageKey: 'msg',
  formatters: { level: (label) => ({ level: label }) },
  mixin: () => activeTraceIds(),
  redact: { paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]), censor: REDACTED },
});

let root: Logger | undefined;
const recent = new RecentLogLines();

/**
 * One JSON logger per process; every line carries the active `traceId` and `spanId`. Lines go to
 * stdout and, teed, into a small in-memory ring that operators read per service (`recentLogs`).
 */
export function rootLogger(): Logger {
  // Both destinations take every level; the logger's own level decides what is written at all.
  root ??= pino(loggerOptions(process.env.LOG_LEVEL ?? 'info'), pino.multistream([
    { level: 'trace', stream: pino.destination(process.stdout.fd ?? 1) },
    { level: 'trace', stream: recent },
  ]));
  return root;
}

export function serviceLogger(service: string): Logger {
  return rootLogger().child({ service });
}

/** This process's recent log lines of one service, oldest first. */
export function recentLogs(query: LogQuery): LogRecord[] {
  return recent.read(query);
}
