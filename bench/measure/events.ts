/**
 * The events row, in a process of its own: events through Agora's chassis (a transaction writes the
 * event to the emitter's outbox on PostgreSQL, the relay publishes it to NATS JetStream, the sink's
 * durable consumer takes it through its inbox on PostgreSQL) against raw JetStream publish and
 * consume with the same settings on the same server. Two measures, in rounds taking turns:
 *  - throughput: N events from P concurrent producers, events/s from the first send to the last arrival;
 *  - latency: a fixed rate below Agora's throughput, send → handler p50/p99.
 * Input: BENCH_SPEC = { rounds, events, producers, latencySeconds, dataDir, profileDir? }. Output: one
 * JSON line. With profileDir, Agora's first throughput round is CPU-profiled into it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalDirectory, ServiceRuntime, defaultResilience, type ServiceContext } from '@agora/chassis';
import { NatsEventBus } from '@agora/chassis/split';
import { startNats, startPostgres } from '@agora/infra';
import { emitter, pingSent, sink } from '../agora/event-services.ts';
import { rawJetStream } from '../peers/jetstream/raw.ts';
import { profiled } from '../lib/inspector-profile.ts';
import { RESULT_PREFIX } from '../lib/measure-process.ts';
import { percentile } from '../lib/stats.ts';

const spec = JSON.parse(process.env.BENCH_SPEC!) as { rounds: number; events: number; producers: number; latencySeconds: number; dataDir: string; profileDir?: string };
/** The chassis' defaults (EVENT_CONCURRENCY, NatsEventBus' ack wait and duplicate window). */
const IN_FLIGHT = 16;
const ACK_WAIT_MS = 10_000;
const DUPLICATE_WINDOW_MS = 2 * 60_000;

const clock = () => performance.timeOrigin + performance.now();

/** Arrivals by sequence number: who waits for which range, and the latency of each. */
class Arrivals {
  #latencies = new Map<number, number>();
  #waiting: { from: number; to: number; done: () => void } | undefined;
  #lastAt = 0;
  record(data: { seq: number; sentAt: number }): void {
    const now = clock();
    if (this.#latencies.has(data.seq)) return;
    this.#latencies.set(data.seq, now - data.sentAt);
    this.#lastAt = now;
    const waiting = this.#waiting;
    if (waiting && this.#count(waiting.from, waiting.to) === waiting.to - waiting.from) waiting.done();
  }
  #count(from: number, to: number): number {
    let count = 0;
    for (let seq = from; seq < to; seq++) if (this.#latencies.has(seq)) count++;
    return count;
  }
  /** Resolves with the last arrival's time once every seq in [from, to) arrived. */
  async all(from: number, to: number, timeoutMs: number): Promise<number> {
    if (this.#count(from, to) < to - from) {
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<void>((resolve) => (this.#waiting = { from, to, done: resolve }));
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${to - from - this.#count(from, to)} of ${to - from} events did not arrive in ${timeoutMs / 1000} s`)), timeoutMs);
      });
      try {
        await Promise.race([arrived, timeout]);
      } finally {
        clearTimeout(timer);
        this.#waiting = undefined;
      }
    }
    return this.#lastAt;
  }
  latencies(from: number, to: number): number[] {
    const values: number[] = [];
    for (let seq = from; seq < to; seq++) values.push(this.#latencies.get(seq)!);
    return values.sort((a, b) => a - b);
  }
}

type Send = (seq: number) => Promise<void>;

async function burst(send: Send, arrivals: Arrivals, from: number, events = spec.events): Promise<number> {
  let next = from;
  const to = from + events;
  const began = clock();
  await Promise.all(
    Array.from({ length: spec.producers }, async () => {
      while (next < to) await send(next++);
    }),
  );
  const last = await arrivals.all(from, to, 120_000);
  return Math.round(events / ((last - began) / 1000));
}

async function paced(send: Send, arrivals: Arrivals, from: number, rate: number): Promise<{ p50Ms: number; p99Ms: number; events: number }> {
  const count = Math.max(20, Math.round(rate * spec.latencySeconds));
  const began = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = began + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    sends.push(send(from + i));
  }
  await Promise.all(sends);
  await arrivals.all(from, from + count, 60_000);
  const sorted = arrivals.latencies(from, from + count);
  return { p50Ms: Number(percentile(sorted, 50).toFixed(2)), p99Ms: Number(percentile(sorted, 99).toFixed(2)), events: count };
}

const nats = await startNats(spec.dataDir);
const postgres = await startPostgres(spec.dataDir);
const stops: Array<() => Promise<void>> = [() => postgres.stop(), () => nats.stop()];
try {
  // Agora: emitter and sink, each with its own database, sharing this process's bus connection.
  const agoraArrivals = new Arrivals();
  let emitterContext: ServiceContext | undefined;
  const bus = await NatsEventBus.connect({ url: nats.url });
  stops.unshift(() => bus.close());
  const directory = new LocalDirectory();
  const runtimes: ServiceRuntime[] = [];
  for (const definition of [emitter((context) => (emitterContext = context)), sink((data) => agoraArrivals.record(data))]) {
    await postgres.ensureDatabase(definition.name);
    const runtime = await ServiceRuntime.create(definition, {
      dataDir: spec.dataDir,
      databaseUrl: postgres.url(definition.name),
      poolSize: 10,
      bus,
      directory,
      resilience: defaultResilience,
      extraRetry: false,
      maxDeliver: 20,
      consumerConcurrency: IN_FLIGHT,
      seed: false,
    });
    runtimes.push(runtime);
  }
  stops.unshift(async () => {
    for (const runtime of runtimes) await runtime.stop();
  });
  for (const runtime of runtimes) runtime.start();
  const agoraSend: Send = (seq) => emitterContext!.transaction(async (tx) => tx.publish(pingSent, `ping-${seq}`, { seq, sentAt: clock() }));

  // Raw JetStream: the same envelope as the chassis sends, published and consumed directly.
  const rawArrivals = new Arrivals();
  const raw = await rawJetStream(nats.url, { inFlight: IN_FLIGHT, ackWaitMs: ACK_WAIT_MS, duplicateWindowMs: DUPLICATE_WINDOW_MS });
  stops.unshift(() => raw.close());
  raw.consume((payload) => rawArrivals.record((JSON.parse(payload) as { data: { seq: number; sentAt: number } }).data));
  const rawSend: Send = (seq) => {
    const id = randomUUID();
    const envelope = { id, type: pingSent.type, source: 'emitter', subject: `ping-${seq}`, time: new Date().toISOString(), data: { seq, sentAt: clock() } };
    return raw.publish(id, JSON.stringify(envelope));
  };

  const variants = { agora: { send: agoraSend, arrivals: agoraArrivals }, raw: { send: rawSend, arrivals: rawArrivals } };
  let seq = 0;
  // Warm-up: consumers created, connections and statements ready.
  const warmup = Math.min(spec.events, 200);
  for (const variant of Object.values(variants)) {
    await burst(variant.send, variant.arrivals, seq, warmup);
    seq += warmup;
  }
  const throughput: Record<string, number[]> = { agora: [], raw: [] };
  for (let round = 0; round < spec.rounds; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      const profileDir = name === 'agora' && round === 0 ? spec.profileDir : undefined;
      throughput[name]!.push(await profiled(profileDir, 'events-agora', () => burst(variant.send, variant.arrivals, seq)));
      seq += spec.events;
    }
  }
  // Below saturation for both: half of Agora's slowest round.
  const rate = Math.max(10, Math.round(Math.min(...throughput.agora!) / 2));
  const latency: Record<string, Array<{ p50Ms: number; p99Ms: number; events: number }>> = { agora: [], raw: [] };
  for (let round = 0; round < spec.rounds; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      const result = await paced(variant.send, variant.arrivals, seq, rate);
      seq += result.events;
      latency[name]!.push(result);
    }
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ throughput, latency, rate, inFlight: IN_FLIGHT })}\n`);
} finally {
  for (const stop of stops) await stop().catch(() => undefined);
}
