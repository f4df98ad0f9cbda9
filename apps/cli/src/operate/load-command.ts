import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MAX_RATE, MIN_RATE, TRAFFIC_KINDS, TrafficGenerator, type TrafficStatus } from '@agora/gateway/traffic';
import { numberOption, shopUrl } from './shop-url.ts';

const PROGRESS_MS = 5_000;
const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `agora load --rate N [--duration S] [--url URL]`: the gateway's traffic generator, run from here
 * against a running shop for S seconds (Ctrl-C ends it early), then its counts. Exit 1 when no
 * operation succeeded (the shop is not there).
 */
export async function loadCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { rate: { type: 'string' }, duration: { type: 'string' }, url: { type: 'string' } } });
  const rate = numberOption('rate', values.rate, { min: MIN_RATE, max: MAX_RATE, integer: true });
  const durationSeconds = numberOption('duration', values.duration ?? '30', { min: 1, max: 86_400 });
  const url = shopUrl(values.url);
  const generator = new TrafficGenerator({ baseUrl: () => url });
  say(`load: ${rate} operations/s for ${durationSeconds} s against ${url} (Ctrl-C ends it early)`);
  const interrupted = new AbortController();
  const stopEarly = () => interrupted.abort();
  process.once('SIGINT', stopEarly).once('SIGTERM', stopEarly);
  generator.start(rate);
  const progress = setInterval(() => say(progressLine(generator.status())), PROGRESS_MS);
  await sleep(durationSeconds * 1000, undefined, { signal: interrupted.signal }).catch(() => undefined);
  clearInterval(progress);
  process.off('SIGINT', stopEarly).off('SIGTERM', stopEarly);
  const status = await generator.stop();
  for (const line of countsTable(status)) say(line);
  return TRAFFIC_KINDS.some((kind) => status.counts[kind].ok > 0) ? 0 : 1;
}

function progressLine(status: TrafficStatus): string {
  const ok = TRAFFIC_KINDS.reduce((sum, kind) => sum + status.counts[kind].ok, 0);
  const failed = TRAFFIC_KINDS.reduce((sum, kind) => sum + status.counts[kind].failed, 0);
  return `  ${ok} ok, ${failed} failed, ${status.inFlight} in flight, ${status.shed} shed${status.lastError ? `; last error: ${status.lastError}` : ''}`;
}

function countsTable(status: TrafficStatus): string[] {
  const seconds = status.startedAt ? (Date.now() - Date.parse(status.startedAt)) / 1000 : 0;
  return [
    `${'operation'.padEnd(12)}${'ok'.padStart(8)}${'failed'.padStart(8)}`,
    ...TRAFFIC_KINDS.map((kind) => `${kind.padEnd(12)}${String(status.counts[kind].ok).padStart(8)}${String(status.counts[kind].failed).padStart(8)}`),
    `in ${seconds.toFixed(1)} s; shed (more than 2 × rate in flight): ${status.shed}`,
    `last error: ${status.lastError ?? 'none'}`,
  ];
}
