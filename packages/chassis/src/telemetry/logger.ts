import { pino, type Logger, type LoggerOptions } from 'pino';
import { redactSecrets } from './redact-secrets.ts';
import { RecentLogLines, type LogQuery, type LogRecord } from './recent-logs.ts';
import { activeTraceIds } from './tracing.ts';

export type { Logger };

export { REDACTED } from './redact-secrets.ts';

export const loggerOptions = (level: string): LoggerOptions => ({
  level,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  messageKey: 'msg',
  // Secrets (a request's `headers.authorization`, a checkout's `body.payment.cardToken`) never reach a line.
  formatters: { level: (label) => ({ level: label }), log: redactSecrets },
  mixin: () => activeTraceIds(),
});

let root: Logger | undefined;
const recent = new RecentLogLines();

/**
 * One JSON logger per process; every line carries the active `traceId` and `spanId`. Lines go to
 * stdout and, teed, into a small in-memory ring that operators read per service (`recentLogs`).
 */
export function rootLogger(): Logger {
  // Both destinations take every level; the logger's own level decides what is written at all.
  // Asynchronous: lines written while a write is in flight go out together in the next one, instead
  // of a blocking write per line (a line per request under load); pino flushes what is left at exit.
  root ??= pino(loggerOptions(process.env.LOG_LEVEL ?? 'info'), pino.multistream([
    { level: 'trace', stream: pino.destination({ dest: process.stdout.fd ?? 1, sync: false }) },
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
