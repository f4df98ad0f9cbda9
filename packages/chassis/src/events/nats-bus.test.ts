import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, type LocalNats } from '@agora/infra';
import type { EventEnvelope } from '../contract/events.ts';
import { eventually } from '../testing/index.ts';
import type { Delivery } from './bus.ts';
import { NatsEventBus } from './nats-bus.ts';

function envelope(type: string, data: unknown, id = randomUUID()): EventEnvelope {
  return { id, type, source: 'nats-probe', subject: String(id), time: new Date().toISOString(), data };
}

/** Each test has its own event types and consumer names, so they share one stream without seeing each other. */
function numbered(type: string, count: number): EventEnvelope[] {
  return Array.from({ length: count }, (_, n) => envelope(type, { n }));
}

describe('NATS JetStream event bus', () => {
  let dataDir: string;
  let nats: LocalNats;
  let bus: NatsEventBus;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-nats-bus-'));
    nats = await startNats(dataDir);
    // Several processes start at once: none fails because another created the stream first.
    const buses = await Promise.all([1, 2, 3].map(() => NatsEventBus.connect({ url: nats.url })));
    bus = buses[0]!;
    await Promise.all(buses.slice(1).map((other) => other.close()));
  });
  after(async () => {
    await bus?.close();
    await nats?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers published events to a durable consumer, and stores a re-published id once', async () => {
    const events = numbered('probe.published.v1', 3);
    await bus.publish(events);
    await bus.publish([events[0]!, events[0]!]);
    const seen: Array<{ id: string; attempt: number }> = [];
    const handle = bus.subscribe({ consumer: 'probe.first', types: ['probe.published.v1'], concurrency: 4, handle: async (event, { attempt }) => void seen.push({ id: event.id, attempt }) });
    await eventually(() => seen.length === 3, 5_000, 'three deliveries');
    await sleep(200);
    await handle.stop();
    assert.deepEqual(new Set(seen.map((delivery) => delivery.id)), new Set(events.map((event) => event.id)));
    assert.ok(seen.every((delivery) => delivery.attempt === 1));
    assert.deepEqual((await bus.read(['probe.published.v1'])).map((event) => event.id), events.map((event) => event.id));
  });

  it('redelivers a failed event with attempt 2, 3…', async () => {
    const attempts: number[] = [];
    const handle = bus.subscribe({
      consumer: 'probe.flaky',
      types: ['probe.flaky.v1'],
      concurrency: 1,
      // Fails on the first two attempts, succeeds on the third.
      handle: async (_event, { attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error('not yet');
      },
    });
    await bus.publish([envelope('probe.flaky.v1', {})]);
    await eventually(() => attempts.length === 3, 5_000, 'three attempts');
    await sleep(300);
    await handle.stop();
    assert.deepEqual(attempts, [1, 2, 3]);
  });

  it('applies events in stream order with concurrency 1, a failed one holding back those after it', async () => {
    const events = numbered('probe.ordered.v1', 50);
    await bus.publish(events);
    const calls: number[] = [];
    const handle = bus.subscribe({
      consumer: 'probe.ordered',
      types: ['probe.ordered.v1'],
      concurrency: 1,
      handle: async (event, { attempt }) => {
        const n = (event.data as { n: number }).n;
        calls.push(n);
        if (n === 10 && attempt === 1) throw new Error('fails once');
      },
    });
    await eventually(() => calls.length === 51, 10_000, '51 calls');
    await handle.stop();
    assert.deepEqual(calls, [...Array.from({ length: 11 }, (_, n) => n), ...Array.from({ length: 40 }, (_, n) => n + 10)]);
  });

  it('resumes a stopped consumer where it left off: nothing lost, nothing acknowledged handled again', async () => {
    const events = numbered('probe.resumed.v1', 20);
    await bus.publish(events);
    const handled: string[] = [];
    let stopping: Promise<void> | undefined;
    const first = bus.subscribe({
      consumer: 'probe.resumed',
      types: ['probe.resumed.v1'],
      concurrency: 1,
      handle: async (event) => {
        handled.push(event.id);
        if (handled.length === 10) stopping = first.stop();
      },
    });
    await eventually(() => stopping !== undefined, 5_000, 'the first half');
    await stopping;
    assert.equal(handled.length, 10);
    // A redeploy may change its concurrency: the durable consumer is updated, its position kept.
    const second = bus.subscribe({ consumer: 'probe.resumed', types: ['probe.resumed.v1'], concurrency: 3, handle: async (event) => void handled.push(event.id) });
    // Well under ack_wait (30 s): nothing fetched by the first run is left waiting for it to expire.
    await eventually(() => handled.length === 20, 5_000, 'the second half');
    await sleep(300);
    await second.stop();
    assert.equal(handled.length, 20);
    assert.deepEqual(new Set(handled), new Set(events.map((event) => event.id)));
  });

  it('keeps a handler slower than ack_wait from being delivered again meanwhile', async () => {
    const slow = await NatsEventBus.connect({ url: nats.url, ackWaitMs: 1_000 });
    let running = 0;
    let most = 0;
    const deliveries: Delivery[] = [];
    const handle = slow.subscribe({
      consumer: 'probe.slow',
      types: ['probe.slow.v1'],
      // Room for a second delivery: a redelivery after ack_wait would run beside the first.
      concurrency: 2,
      handle: async (_event, delivery) => {
        deliveries.push(delivery);
        most = Math.max(most, ++running);
        await sleep(2_500);
        running--;
      },
    });
    await slow.publish([envelope('probe.slow.v1', {})]);
    await eventually(() => deliveries.length === 1, 5_000, 'the delivery');
    await sleep(3_000);
    await handle.stop();
    await slow.close();
    assert.equal(most, 1);
    assert.deepEqual(deliveries, [{ attempt: 1 }]);
  });

  it('runs every handler twice in verification mode', async () => {
    const twice = await NatsEventBus.connect({ url: nats.url, duplicateDeliveries: true });
    const seen: string[] = [];
    const handle = twice.subscribe({ consumer: 'probe.twice', types: ['probe.twice.v1', 'probe.twice-more.v1'], concurrency: 2, handle: async (event) => void seen.push(event.type) });
    await twice.publish([envelope('probe.twice.v1', {}), envelope('probe.twice-more.v1', {}), envelope('probe.elsewhere.v1', {})]);
    await eventually(() => seen.length === 4, 5_000, 'four runs');
    await sleep(200);
    await handle.stop();
    await twice.close();
    assert.deepEqual(seen.sort(), ['probe.twice-more.v1', 'probe.twice-more.v1', 'probe.twice.v1', 'probe.twice.v1']);
  });

  it('keeps a subscription delivering across a NATS restart', async () => {
    const seen: number[] = [];
    const handle = bus.subscribe({ consumer: 'probe.restart', types: ['probe.restart.v1'], concurrency: 1, handle: async (event) => void seen.push((event.data as { n: number }).n) });
    await bus.publish([envelope('probe.restart.v1', { n: 1 })]);
    await eventually(() => seen.length === 1, 5_000, 'the delivery before the restart');

    await nats.stop();
    await eventually(() => bus.ping().then(() => false, () => true), 5_000, 'ping to fail while NATS is down');
    nats = await startNats(dataDir, { port: nats.port });
    // As the outbox relay does: a publish that fails during the reconnect is retried, with the same id.
    const later = envelope('probe.restart.v1', { n: 2 });
    await eventually(() => bus.publish([later]).then(() => true), 15_000, 'a publish after the restart');
    await eventually(() => seen.includes(2), 15_000, 'the delivery after the restart');
    await bus.ping();
    await handle.stop();
    assert.deepEqual(seen, [1, 2]);
  });
});
