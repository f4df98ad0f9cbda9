import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceRuntime } from '@agora/chassis';
import { eventually } from '@agora/chassis/testing';
import { ShopClient, checkout } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';
import { recording, type Delivered } from './support/delivery-bus.ts';
import { holdOutboxRow } from './support/delivery-outbox.ts';
import { deliveryProbe, effectsOf, inboxOf, outboxOf, type DeliveryProbe, type Reaction } from './support/delivery-probe.ts';
import { relayUntilKilled } from './support/delivery-relay.ts';
import { DUPLICATE_WINDOW_MS, connectBus, embeddedStack, host, splitStack, type DeliveryStack, type ReadableBus } from './support/delivery-stack.ts';

process.env.LOG_LEVEL ??= 'silent';

/** Deliveries before an event is parked (EVENT_MAX_DELIVER), as the runtimes here are configured. */
const MAX_DELIVER = 5;

/** A case's source and sink, each a runtime with its own database and its own bus connection. */
interface Running {
  source: ServiceRuntime;
  sink: ServiceRuntime;
  sourceBus: ReadableBus;
  deliveries: Delivered[];
  stop(): Promise<void>;
}

async function run(stack: DeliveryStack, probe: DeliveryProbe, options: { concurrency?: number; ackWaitMs?: number; startSource?: boolean } = {}): Promise<Running> {
  const { dataDir } = stack.address;
  const sinkConnection = await connectBus(stack.address, { ackWaitMs: options.ackWaitMs });
  const sourceBus = await connectBus(stack.address);
  const observed = recording(sinkConnection);
  const sink = await host(probe.sink, { dataDir, databaseUrl: await stack.databaseUrl(probe.sink.name), bus: observed.bus, maxDeliver: MAX_DELIVER, concurrency: options.concurrency });
  const source = await host(probe.source, { dataDir, databaseUrl: await stack.databaseUrl(probe.source.name), bus: sourceBus });
  sink.start();
  if (options.startSource ?? true) source.start();
  return {
    source,
    sink,
    sourceBus,
    deliveries: observed.deliveries,
    async stop() {
      await Promise.all([source.stop(), sink.stop()]);
      await Promise.all([sourceBus.close(), sinkConnection.close()]);
    },
  };
}

const numbers = (effects: Array<{ n: number }>) => effects.map((effect) => effect.n).sort((a, b) => a - b);
const attemptsOf = (deliveries: Delivered[], id: string) => deliveries.filter((delivery) => delivery.id === id).map((delivery) => delivery.attempt);

/** Blocks the event loop, as a stalled process (GC pause, starved CPU, SIGSTOP) is: it sends nothing, in-progress acks included. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The cases every bus runs; `outOfOrder` and `ackWait` only where they can happen (PostgreSQL, JetStream). */
function deliveryCases(open: () => Promise<DeliveryStack>, scope: { outOfOrder: boolean; ackWait: boolean }): void {
  let stack: DeliveryStack;
  before(async () => {
    stack = await open();
  });
  after(() => stack?.stop());

  it('a relay killed after the broker took its publish and before it marked the row: published again, applied once', { timeout: 40_000 }, async () => {
    const probe = deliveryProbe('relay-crash');
    const running = await run(stack, probe, { startSource: false });
    try {
      // The first relay: its own process, which dies right after the broker acknowledged the publish.
      const ended = await relayUntilKilled({ address: stack.address, topic: 'relay-crash', databaseUrl: await stack.databaseUrl(probe.source.name), subject: 'crash', n: 1 });
      assert.equal(ended.signal, 'SIGKILL', `the relay process ended otherwise: code ${ended.code}, ${ended.stderr}`);
      const [row] = await outboxOf(probe);
      assert.ok(row, 'the event was committed to the outbox');
      assert.equal(row.published, false, 'killed before the relay marked the row sent');
      assert.deepEqual((await running.sourceBus.read([probe.event.type])).map((event) => event.id), [row.id], 'the broker had stored the event');
      await eventually(async () => (await effectsOf(probe)).length === 1, 10_000, 'the first copy applied');

      // Past the broker's duplicate window (JetStream), as after a relay that stayed down longer.
      await sleep(DUPLICATE_WINDOW_MS + 250);
      running.source.start();
      await eventually(async () => (await outboxOf(probe)).every((entry) => entry.published), 10_000, 'the relay started again to mark the row sent');
      const copies = stack.republished === 'delivered-again' ? 2 : 1;
      assert.equal((await running.sourceBus.read([probe.event.type])).length, copies, `the bus holds ${copies} cop${copies === 1 ? 'y' : 'ies'} of the event`);
      await eventually(() => attemptsOf(running.deliveries, row.id).length === copies, 10_000, `${copies} deliveries of the event`);
      await sleep(300);
      assert.equal(attemptsOf(running.deliveries, row.id).length, copies);
      assert.deepEqual(await effectsOf(probe), [{ eventId: row.id, n: 1 }], 'the effect happened once');
      assert.deepEqual(await inboxOf(probe), [row.id]);
    } finally {
      await running.stop();
    }
  });

  if (scope.outOfOrder) {
    it('an outbox row committed after a later row was relayed: the relay still publishes it', { timeout: 30_000 }, async () => {
      const probe = deliveryProbe('out-of-order');
      const running = await run(stack, probe);
      try {
        // The slow transaction takes the lower sequence number and stays open; the quick one takes the next and commits first.
        const slow = await holdOutboxRow(probe, 'slow', 1);
        await probe.sourceContext().transaction(async (tx) => tx.publish(probe.event, 'quick', { n: 2 }));
        await eventually(async () => numbers(await effectsOf(probe)).includes(2), 10_000, 'the later row delivered');
        // Several relay passes (every 250 ms) went by with the slow one still open.
        await sleep(750);
        assert.deepEqual(numbers(await effectsOf(probe)), [2]);

        await slow.commit();
        await eventually(async () => numbers(await effectsOf(probe)).includes(1), 10_000, 'the row committed out of order delivered');
        const rows = await outboxOf(probe);
        assert.deepEqual(rows.map((row) => row.n), [1, 2], 'the held row has the lower sequence number');
        assert.ok(rows.every((row) => row.published));
        assert.deepEqual(numbers(await effectsOf(probe)), [1, 2]);
      } finally {
        await running.stop();
      }
    });
  }

  it(`a poison event: ${MAX_DELIVER} deliveries, then parked and replayable, and the next 100 events all handled`, { timeout: 40_000 }, async () => {
    let fixed = false;
    const refuse: Reaction = async (event) => {
      if (event.data.n === 0 && !fixed) throw new Error('this handler cannot take event 0 (until fixed)');
    };
    const probe = deliveryProbe('poison', refuse);
    // One at a time: the poison event sits at the head of the consumer's stream, everything else behind it.
    const running = await run(stack, probe, { concurrency: 1 });
    try {
      await probe.sourceContext().transaction(async (tx) => tx.publish(probe.event, 'poison', { n: 0 }));
      await probe.sourceContext().transaction(async (tx) => {
        for (let n = 1; n <= 100; n++) tx.publish(probe.event, `next-${n}`, { n });
      });
      await eventually(async () => (await effectsOf(probe)).length === 100, 30_000, 'the 100 events after the poison one');
      const poison = (await outboxOf(probe)).find((row) => row.n === 0)!;
      await sleep(300);
      const poisonDeliveries = running.deliveries.filter((delivery) => delivery.id === poison.id);
      assert.deepEqual(poisonDeliveries.map((delivery) => delivery.attempt), Array.from({ length: MAX_DELIVER }, (_, i) => i + 1), 'bounded deliveries: no more than EVENT_MAX_DELIVER');
      // Spaced by the chassis's backoff (after attempt k, 25·2^k ms, jittered down to half), not redelivered at once.
      for (let k = 1; k < MAX_DELIVER; k++) {
        const gap = poisonDeliveries[k]!.at - poisonDeliveries[k - 1]!.at;
        assert.ok(gap >= 12.5 * 2 ** k - 2, `attempt ${k + 1} came ${gap.toFixed(1)} ms after attempt ${k}`);
      }
      assert.deepEqual(numbers(await effectsOf(probe)), Array.from({ length: 100 }, (_, i) => i + 1));

      const parked = await running.sink.app.inject({ method: 'GET', url: '/internal/v1/chassis/dead-letters' });
      const letters = parked.json().items;
      assert.equal(letters.length, 1);
      assert.deepEqual({ consumer: letters[0].consumer, eventId: letters[0].eventId, attempts: letters[0].attempts, replayedAt: letters[0].replayedAt }, { consumer: probe.consumer, eventId: poison.id, attempts: MAX_DELIVER, replayedAt: null });

      const replay = async () => (await running.sink.app.inject({ method: 'POST', url: '/internal/v1/chassis/dead-letters/replay' })).json();
      assert.deepEqual(await replay(), { replayed: 0, failed: 1 }, 'still refused: it stays parked');
      fixed = true;
      assert.deepEqual(await replay(), { replayed: 1, failed: 0 });
      assert.deepEqual(await replay(), { replayed: 0, failed: 0 }, 'a replayed letter is not replayed again');
      const effects = await effectsOf(probe);
      assert.equal(effects.filter((effect) => effect.eventId === poison.id).length, 1, 'the replay applied it once');
      assert.equal(effects.length, 101);
    } finally {
      await running.stop();
    }
  });

  if (scope.ackWait) {
    it('a handler slower than the ack wait keeps its delivery (in-progress acks): delivered once, applied once', { timeout: 30_000 }, async () => {
      const ackWaitMs = 2_000;
      const probe = deliveryProbe('slow-handler', () => sleep(2.5 * ackWaitMs));
      // Room for a second delivery beside the first, were the broker to redeliver.
      const running = await run(stack, probe, { concurrency: 2, ackWaitMs });
      try {
        await probe.sourceContext().transaction(async (tx) => tx.publish(probe.event, 'slow', { n: 1 }));
        await eventually(async () => (await effectsOf(probe)).length === 1, 15_000, 'the slow handler to finish');
        const [row] = await outboxOf(probe);
        // Had the ack wait run out, the copy would have been redelivered (beside it) while it ran.
        assert.deepEqual(attemptsOf(running.deliveries, row!.id), [1], 'never redelivered while it ran');
        assert.equal((await effectsOf(probe)).length, 1);
      } finally {
        await running.stop();
      }
    });

    it('a consumer stalled past the ack wait: the broker redelivers while the first delivery still runs, applied once', { timeout: 30_000 }, async () => {
      const ackWaitMs = 1_000;
      let started = 0;
      let running = 0;
      let most = 0;
      const react: Reaction = async () => {
        const first = ++started === 1;
        most = Math.max(most, ++running);
        try {
          if (first) {
            // No in-progress ack can leave a stalled process: the broker's ack wait runs out.
            stall(2 * ackWaitMs);
            // Still running when the redelivered copy arrives.
            await eventually(() => started >= 2, 10_000, 'the redelivered copy');
          }
          // Both copies then reach their transaction at about the same time.
          await sleep(first ? 100 : 50);
        } finally {
          running--;
        }
      };
      const probe = deliveryProbe('stalled', react);
      const consumer = await run(stack, probe, { concurrency: 2, ackWaitMs });
      try {
        await probe.sourceContext().transaction(async (tx) => tx.publish(probe.event, 'stalled', { n: 1 }));
        await eventually(() => started >= 2 && running === 0, 15_000, 'both copies handled');
        const [row] = await outboxOf(probe);
        // Settled: every copy acknowledged, and no more of them coming.
        await eventually(async () => (await consumer.sourceBus.backlog()).find((entry) => entry.consumer === probe.consumer)?.waiting === 0, 10_000, 'nothing left waiting');
        const attempts = attemptsOf(consumer.deliveries, row!.id);
        await sleep(1.5 * ackWaitMs);
        assert.deepEqual(attemptsOf(consumer.deliveries, row!.id), attempts, 'no delivery after the copies were acknowledged');
        // The broker redelivers each time the ack wait runs out during the stall: one copy or more.
        assert.ok(attempts.length >= 2 && attempts.every((attempt, index) => attempt === index + 1), `deliveries ${attempts}`);
        assert.equal(most, 2, 'a redelivered copy ran beside the first delivery');
        assert.deepEqual(await effectsOf(probe), [{ eventId: row!.id, n: 1 }], 'the effect happened once');
        assert.deepEqual(await inboxOf(probe), [row!.id]);
      } finally {
        await consumer.stop();
      }
    });
  }
}

// The three suites run side by side: the retention case mostly waits out its 60 s.
describe('faults, targeted: event delivery and Idempotency-Key retention', { concurrency: 3 }, () => {
  describe('events on the split topology (PostgreSQL, NATS JetStream)', { concurrency: 1 }, () => {
    deliveryCases(splitStack, { outOfOrder: true, ackWait: true });
  });

  // SQLite has one writer at a time, so outbox rows commit in sequence order; the SQLite stream has
  // no ack wait (a delivery is held until its handler returns).
  describe('events on the embedded topology (SQLite, the SQLite stream)', { concurrency: 1 }, () => {
    deliveryCases(embeddedStack, { outOfOrder: false, ackWait: false });
  });

  describe('Idempotency-Key retention, on a shop that keeps keys 60 s', { concurrency: 1 }, () => {
    // The shortest retention the gateway accepts (IDEMPOTENCY_TTL_SECONDS ≥ 60).
    const ttlSeconds = 60;
    let shop: ShopProcess;
    let api: ShopClient;
    before(async () => {
      shop = await launchShop({ AGORA_TOPOLOGY: 'embedded', IDEMPOTENCY_TTL_SECONDS: String(ttlSeconds) });
      api = new ShopClient(shop.url);
    });
    after(() => shop?.stop());

    it('publishes the retention, replays within it (per user), forgets the key after it, and never makes a second order', { timeout: 90_000 }, async () => {
      const document = await api.request('GET', '/openapi.json');
      assert.equal(document.body['x-idempotency-retention-seconds'], ttlSeconds);
      const parameter = document.body.paths['/api/v1/orders'].post.parameters.find((candidate: { name: string }) => candidate.name === 'Idempotency-Key');
      assert.match(parameter.description, new RegExp(`Retained ${ttlSeconds} s per user`));

      const [ann, ben] = [await api.newCustomer('Ann'), await api.newCustomer('Ben')];
      const body = checkout([{ productId: 'p-cable', quantity: 1 }]);
      const key = randomUUID();
      const place = (token: string) => api.request('POST', '/api/v1/orders', { token, body, headers: { 'idempotency-key': key } });

      const first = await place(ann.token);
      // The gateway stored the key while answering: it expires at most this long after now.
      const answeredAt = Date.now();
      assert.equal(first.status, 202);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const replay = await place(ann.token);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);
      // Another user's same key is another key.
      const bens = await place(ben.token);
      assert.equal(bens.status, 202);
      assert.equal(bens.headers.get('idempotent-replayed'), null);
      assert.notEqual(bens.body.id, first.body.id);

      await sleep(answeredAt + (ttlSeconds - 10) * 1_000 - Date.now());
      const late = await place(ann.token);
      assert.equal(late.headers.get('idempotent-replayed'), 'true', 'still kept 10 s before the retention ends');
      assert.deepEqual(late.body, first.body);

      await sleep(answeredAt + ttlSeconds * 1_000 + 1_000 - Date.now());
      const expired = await place(ann.token);
      assert.equal(expired.status, 202);
      assert.equal(expired.headers.get('idempotent-replayed'), null, 'past the retention the gateway has forgotten the key');
      // Orders keeps (user, key) unique for good: the forgotten key finds the first order, never a second.
      assert.equal(expired.body.id, first.body.id);
      const orders = await api.request('GET', '/api/v1/orders?limit=100', { token: ann.token });
      assert.deepEqual(orders.body.items.map((order: { id: string }) => order.id), [first.body.id]);
    });
  });
});
