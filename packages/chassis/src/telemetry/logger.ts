import { pino, type Logger } from 'pino';
import { activeTraceIds } from './tracing.ts';

export type { Logger };

let root: Logger | undefined;

/** One JSON logger per process; every line carries the active `traceId` and `spanId`. */
export function rootLogger(): Logger {
  root ??= pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => activeTraceIds(),
  });
  return root;
}

export function serviceLogger(service: string): Logger {
  return rootLogger().child({ service });
}
