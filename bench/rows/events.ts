/**
 * Row 4, events: outbox → bus → inbox through Agora's chassis on PostgreSQL and NATS JetStream,
 * against raw JetStream publish + consume with the same settings on the same server
 * (bench/measure/events.ts). Both sides share the machine's two CPUs: there is no load generator
 * to keep apart, the producers and consumers are the measurement.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { stopServersIn } from '@agora/infra';
import type { BenchContext, Goal } from '../lib/context.ts';
import { runMeasureProcess } from '../lib/measure-process.ts';
import { placement } from '../lib/processes.ts';
import { ratioPerRound } from '../lib/rounds.ts';
import { median, spread, type Spread } from '../lib/stats.ts';

interface Measured {
  throughput: Record<'agora' | 'raw', number[]>;
  latency: Record<'agora' | 'raw', Array<{ p50Ms: number; p99Ms: number; events: number }>>;
  rate: number;
  inFlight: number;
}

export interface EventsResult {
  events: number;
  producers: number;
  inFlight: number;
  eventsPerSecond: Record<'agora' | 'raw', Spread>;
  /** Agora's events/s over raw JetStream's, per round. */
  agoraOverRaw: Spread;
  /** Send → handler at a fixed rate (half of Agora's slowest throughput round). */
  latency: { rate: number; agora: { p50Ms: number; p99Ms: number }; raw: { p50Ms: number; p99Ms: number } };
}

export async function eventsRow(context: BenchContext): Promise<{ result: EventsResult; goals: Goal[] }> {
  const { settings } = context;
  const dataDir = mkdtempSync(join(context.runDir, 'events-'));
  // PostgreSQL runs as its own user and must reach the data folder.
  chmodSync(dataDir, 0o755);
  context.log(`events: ${settings.rounds} round(s) of ${settings.events.events} events each way`);
  let measured: Measured;
  try {
    // Profiled from inside, Agora's events only: starting PostgreSQL and raw JetStream's part would crowd the profile.
    const spec = { rounds: settings.rounds, ...settings.events, dataDir, profileDir: context.profileDir };
    measured = await runMeasureProcess<Measured>(context, 'events', join(import.meta.dirname, '..', 'measure', 'events.ts'), spec, placement?.all, false);
  } finally {
    await stopServersIn(dataDir);
  }
  const latencyOf = (side: 'agora' | 'raw') => ({
    p50Ms: median(measured.latency[side].map((round) => round.p50Ms)),
    p99Ms: median(measured.latency[side].map((round) => round.p99Ms)),
  });
  const result: EventsResult = {
    events: settings.events.events,
    producers: settings.events.producers,
    inFlight: measured.inFlight,
    eventsPerSecond: { agora: spread(measured.throughput.agora, 0), raw: spread(measured.throughput.raw, 0) },
    agoraOverRaw: ratioPerRound(measured.throughput.agora, measured.throughput.raw),
    latency: { rate: measured.rate, agora: latencyOf('agora'), raw: latencyOf('raw') },
  };
  const share = result.agoraOverRaw.median;
  const goal: Goal = {
    row: 'events',
    name: 'Events',
    goal: 'outbox → bus → inbox ≥ 0.5× raw JetStream events/s',
    measured: `${share}× raw (${result.eventsPerSecond.agora.median} vs ${result.eventsPerSecond.raw.median}/s)`,
    value: share,
    met: share >= 0.5,
  };
  return { result, goals: [goal] };
}
