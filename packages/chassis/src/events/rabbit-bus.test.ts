import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type ChannelModel } from 'amqplib';
import { startRabbitMq, type LocalRabbitMq } from '@agora/infra';
import { eventually } from '../testing/index.ts';
import { describeEventBusContract, probe, probeEvent } from './bus-contract.ts';
import { RabbitEventBus } from './rabbit-bus.ts';
import { topologyNames } from './rabbit-topology.ts';

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

  it('keeps what no queue takes, and dead-letters what no handler can read', async () => {
    const names = topologyNames('agora.events');
    const unrouted = await messagesIn(names.unrouted);
    await bus.publish([probeEvent(probe('nobody-listens').types[0])]);
    assert.equal(await messagesIn(names.unrouted), unrouted + 1);

    const deadLetters = await messagesIn(names.deadLetters);
    const poisoned = probe('poisoned');
    await bus.declare(poisoned);
    const channel = await raw.createConfirmChannel();
    channel.publish('agora.events', poisoned.types[0], Buffer.from('not json'), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
    const handled: string[] = [];
    const handle = bus.subscribe({ ...poisoned, concurrency: 1, handle: async (event) => void handled.push(event.id) });
    await eventually(async () => (await messagesIn(names.deadLetters)) === deadLetters + 1, 5_000, 'the unreadable message dead-lettered');
    await handle.stop();
    assert.deepEqual(handled, []);
  });

  describeEventBusContract('meets the event bus contract', {
    open: ({ duplicateDeliveries }) => RabbitEventBus.connect({ url: rabbit.url, duplicateDeliveries }),
    restart: {
      stop: async () => {
        await rabbit.stop();
        await raw.close().catch(() => undefined);
      },
      start: async () => {
        rabbit = await startRabbitMq(dataDir, { port: rabbit.port });
        raw = await connect(rabbit.url);
      },
    },
    // No deduplication window: a re-published event is stored and delivered again.
    capabilities: { republishedIds: 'delivered-again' },
  });
});
