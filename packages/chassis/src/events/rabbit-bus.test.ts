import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type ChannelModel } from 'amqplib';
import { startRabbitMq, type LocalRabbitMq } from '@agora/infra';
import type { EventEnvelope } from '../contract/events.ts';
import { eventually } from '../testing/index.ts';
import { RabbitEventBus } from './rabbit-bus.ts';
import { topologyNames } from './rabbit-topology.ts';

function envelope(type: string, data: unknown, id = randomUUID()): EventEnvelope {
  return { id, type, source: 'rabbit-probe', subject: String(id), time: new Date().toISOString(), data };
}

/** Each test has its own event types and queue names, so they share one exchange without seeing each other. */
function numbered(type: string, count: number): EventEnvelope[] {
  return Array.from({ length: count }, (_, n) => envelope(type, { n }));
}

describe('RabbitMQ event bus', () => {
  let dataDir: string;
  let rabbit: LocalRabbitMq;
  let bus: RabbitEventBus;
  /** A plain client, to look at the broker's queues from outside the bus. */
  let raw: ChannelModel;

  const messagesIn = async (queue: string): Promise<number> => {
    const channel = await raw.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-rabbit-bus-'));
    // RabbitMQ runs as its own user when the tests run as root: it must reach the folder.
    chmodSync(dataDir, 0o755);
    rabbit = await startRabbitMq(dataDir);
    // Several processes start at once: none fails because another declared the exchanges first.
    const buses = await Promise.all([1, 2, 3].map(() => RabbitEventBus.connect({ url: rabbit.url })));
    bus = buses[0]!;
    await Promise.all(buses.slice(1).map((other) => other.close()));
    raw = await connect(rabbit.url);
  });
  after(async () => {
    await raw?.close().catch(() => undefined);
    await bus?.close();
    await rabbit?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reuses the live broker on a second start instead of booting another', async () => {
    const again = await startRabbitMq(dataDir);
    assert.equal(again.started, false);
    assert.equal(again.url, rabbit.url);
  });

  it('delivers events published after the queue was declared, a re-published id twice (the inbox dedups)', async () => {
    const events = numbered('probe.published.v1', 3);
    await bus.declare({ consumer: 'probe.first', types: ['probe.published.v1'] });
    await bus.publish(events);
    // The relay crashed before marking its outbox row: RabbitMQ has no deduplication window and
    // stores the event again; the chassis's inbox (per consumer, in its database) skips the copy.
    await bus.publish([events[0]!]);
    const seen: Array<{ id: string; attempt: number }> = [];
    const handle = bus.subscribe({ consumer: 'probe.first', types: ['probe.published.v1'], concurrency: 4, handle: async (event, { attempt }) => void seen.push({ id: event.id, attempt }) });
    await eventually(() => seen.length === 4, 5_000, 'four deliveries');
    await sleep(200);
    await handle.stop();
    assert.deepEqual(seen.map((delivery) => delivery.id).sort(), [...events.map((event) => event.id), events[0]!.id].sort());
    assert.ok(seen.every((delivery) => delivery.attempt === 1));
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
    await bus.declare({ consumer: 'probe.flaky', types: ['probe.flaky.v1'] });
    await bus.publish([envelope('probe.flaky.v1', {})]);
    await eventually(() => attempts.length === 3, 5_000, 'three attempts');
    await sleep(300);
    await handle.stop();
    assert.deepEqual(attempts, [1, 2, 3]);
  });

  it('applies events in queue order with concurrency 1, a failed one holding back those after it', async () => {
    const events = numbered('probe.ordered.v1', 50);
    await bus.declare({ consumer: 'probe.ordered', types: ['probe.ordered.v1'] });
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
    await bus.declare({ consumer: 'probe.resumed', types: ['probe.resumed.v1'] });
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
    // A redeploy may change its concurrency (the prefetch): the queue and its position are kept.
    const second = bus.subscribe({ consumer: 'probe.resumed', types: ['probe.resumed.v1'], concurrency: 3, handle: async (event) => void handled.push(event.id) });
    await eventually(() => handled.length === 20, 5_000, 'the second half');
    await sleep(300);
    await second.stop();
    assert.equal(handled.length, 20);
    assert.deepEqual(new Set(handled), new Set(events.map((event) => event.id)));
  });

  it('runs at most `concurrency` handlers at once, and stop waits for those in flight', async () => {
    await bus.declare({ consumer: 'probe.bounded', types: ['probe.bounded.v1'] });
    await bus.publish(numbered('probe.bounded.v1', 12));
    let running = 0;
    let most = 0;
    let finished = 0;
    const handle = bus.subscribe({
      consumer: 'probe.bounded',
      types: ['probe.bounded.v1'],
      concurrency: 3,
      handle: async () => {
        most = Math.max(most, ++running);
        await sleep(150);
        running--;
        finished++;
      },
    });
    await eventually(() => finished >= 4, 5_000, 'a few deliveries');
    await handle.stop();
    // Stopped with handlers running: stop returned only after they finished, and they were acknowledged.
    assert.equal(running, 0);
    assert.equal(most, 3);
    await eventually(async () => (await messagesIn('probe.bounded')) === 12 - finished, 5_000, 'the unhandled rest back in the queue');
  });

  it('runs every handler twice in verification mode', async () => {
    const twice = await RabbitEventBus.connect({ url: rabbit.url, duplicateDeliveries: true });
    const seen: string[] = [];
    const handle = twice.subscribe({ consumer: 'probe.twice', types: ['probe.twice.v1', 'probe.twice-more.v1'], concurrency: 2, handle: async (event) => void seen.push(event.type) });
    await twice.declare({ consumer: 'probe.twice', types: ['probe.twice.v1', 'probe.twice-more.v1'] });
    await twice.publish([envelope('probe.twice.v1', {}), envelope('probe.twice-more.v1', {}), envelope('probe.elsewhere.v1', {})]);
    await eventually(() => seen.length === 4, 5_000, 'four runs');
    await sleep(200);
    await handle.stop();
    await twice.close();
    assert.deepEqual(seen.sort(), ['probe.twice-more.v1', 'probe.twice-more.v1', 'probe.twice.v1', 'probe.twice.v1']);
  });

  it('keeps what no queue takes, and dead-letters what no handler can read', async () => {
    const names = topologyNames('agora.events');
    const unrouted = await messagesIn(names.unrouted);
    await bus.publish([envelope('probe.nobody-listens.v1', {})]);
    assert.equal(await messagesIn(names.unrouted), unrouted + 1);

    const deadLetters = await messagesIn(names.deadLetters);
    await bus.declare({ consumer: 'probe.poisoned', types: ['probe.poisoned.v1'] });
    const channel = await raw.createConfirmChannel();
    channel.publish('agora.events', 'probe.poisoned.v1', Buffer.from('not json'), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
    const handled: string[] = [];
    const handle = bus.subscribe({ consumer: 'probe.poisoned', types: ['probe.poisoned.v1'], concurrency: 1, handle: async (event) => void handled.push(event.id) });
    await eventually(async () => (await messagesIn(names.deadLetters)) === deadLetters + 1, 5_000, 'the unreadable message dead-lettered');
    await handle.stop();
    assert.deepEqual(handled, []);
  });

  it('keeps a subscription delivering across a RabbitMQ restart', async () => {
    const seen: number[] = [];
    const handle = bus.subscribe({ consumer: 'probe.restart', types: ['probe.restart.v1'], concurrency: 1, handle: async (event) => void seen.push((event.data as { n: number }).n) });
    await bus.declare({ consumer: 'probe.restart', types: ['probe.restart.v1'] });
    await bus.publish([envelope('probe.restart.v1', { n: 1 })]);
    await eventually(() => seen.length === 1, 5_000, 'the delivery before the restart');

    await rabbit.stop();
    await eventually(() => bus.ping().then(() => false, () => true), 5_000, 'ping to fail while RabbitMQ is down');
    await raw.close().catch(() => undefined);
    rabbit = await startRabbitMq(dataDir, { port: rabbit.port });
    raw = await connect(rabbit.url);
    // Published while the consumer is still reconnecting: its durable queue keeps the event meanwhile.
    // As the outbox relay does, a publish that fails during the reconnect is retried with the same id.
    const later = envelope('probe.restart.v1', { n: 2 });
    await eventually(() => bus.publish([later]).then(() => true, () => false), 15_000, 'a publish after the restart');
    await eventually(() => seen.includes(2), 15_000, 'the delivery after the restart');
    await bus.ping();
    await handle.stop();
    assert.deepEqual(seen, [1, 2]);
  });
});
