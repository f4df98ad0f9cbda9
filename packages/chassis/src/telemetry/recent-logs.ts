/** Enough for the last few seconds of a busy process, about a megabyte of JSON at most. */
export const RECENT_LOG_LIMIT = 2_000;

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One log line as operators read it: the fields every line has, and the rest under `fields`. */
export interface LogRecord {
  time: string;
  level: LogLevelName;
  msg: string;
  service: string;
  traceId?: string;
  spanId?: string;
  pid: number;
  fields: Record<string, unknown>;
}

export interface LogQuery {
  service: string;
  /** Only lines written inside this trace. */
  traceId?: string;
  /** The newest this many lines that match. */
  limit: number;
}

/**
 * The process's most recent log lines, kept as the JSON text pino wrote (a ring of `limit` lines):
 * writing costs a slot, and lines are parsed only when an operator asks. It is a pino destination,
 * teed next to stdout, so it holds exactly what stdout got, redactions included.
 */
export class RecentLogLines {
  readonly #limit: number;
  readonly #ring: string[] = [];
  #next = 0;

  constructor(limit = RECENT_LOG_LIMIT) {
    this.#limit = limit;
  }

  write(line: string): void {
    this.#ring[this.#next] = line;
    this.#next = (this.#next + 1) % this.#limit;
  }

  get size(): number {
    return this.#ring.length;
  }

  /** Matching lines, oldest first. */
  read(query: LogQuery): LogRecord[] {
    const ordered = this.#ring.length < this.#limit ? this.#ring : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    const matched: LogRecord[] = [];
    for (let index = ordered.length - 1; index >= 0 && matched.length < query.limit; index--) {
      const line = ordered[index]!;
      // Most lines are skipped without parsing them.
      if (!line.includes(query.service) || (query.traceId && !line.includes(query.traceId))) continue;
      const record = toRecord(line);
      if (record && record.service === query.service && (!query.traceId || record.traceId === query.traceId)) matched.push(record);
    }
    return matched.reverse();
  }
}

const NUMERIC_LEVELS: Record<number, LogLevelName> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function toRecord(line: string): LogRecord | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { time, level, msg, service, traceId, spanId, pid, ...fields } = parsed;
  if (typeof service !== 'string') return undefined;
  return {
    time: typeof time === 'number' ? new Date(time).toISOString() : String(time),
    level: typeof level === 'number' ? (NUMERIC_LEVELS[level] ?? 'info') : (String(level) as LogLevelName),
    msg: typeof msg === 'string' ? msg : '',
    service,
    ...(typeof traceId === 'string' ? { traceId } : {}),
    ...(typeof spanId === 'string' ? { spanId } : {}),
    pid: Number(pid),
    fields,
  };
}
