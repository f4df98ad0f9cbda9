// Raw JetStream for the events row, with the chassis' settings (packages/chassis/src/events/
// nats-bus.ts, nats-consumer.ts): a file-stored stream with the same duplicate window, publishes
// with a message id and an expected stream, one durable pull consumer with explicit acks, the same
// number of messages in flight, and each acknowledgement confirmed by the server (ackAck).
import { AckPolicy, DeliverPolicy, JetStreamApiError, RetentionPolicy, StorageType, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';

const STREAM = 'RAW_BENCH';
const STREAM_EXISTS = 10058;

export interface RawJetStream {
  publish(id: string, payload: string): Promise<void>;
  /** Starts the consumer; `handle` runs for each message before it is acknowledged. */
  consume(handle: (payload: string) => void): void;
  close(): Promise<void>;
}

export async function rawJetStream(url: string, options: { inFlight: number; ackWaitMs: number; duplicateWindowMs: number }): Promise<RawJetStream> {
  const nc = await connect({ servers: url, name: 'raw-bench' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  try {
    await jsm.streams.add({ name: STREAM, subjects: ['raw.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: nanos(options.duplicateWindowMs) });
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== STREAM_EXISTS) throw error;
  }
  await jsm.consumers.add(STREAM, {
    durable_name: 'raw-sink',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: options.inFlight,
    filter_subject: 'raw.ping',
  });
  let messages: ConsumerMessages | undefined;
  const inFlight = new Set<Promise<void>>();
  return {
    async publish(id, payload) {
      await js.publish('raw.ping', payload, { msgID: id, expect: { streamName: STREAM } });
    },
    consume(handle) {
      void (async () => {
        const consumer = await js.consumers.get(STREAM, 'raw-sink');
        messages = await consumer.consume({ max_messages: options.inFlight, expires: 10_000 });
        for await (const message of messages) {
          while (inFlight.size >= options.inFlight) await Promise.race(inFlight);
          const work = settle(message, handle).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
      })();
    },
    async close() {
      messages?.stop();
      await Promise.all(inFlight);
      await nc.drain();
    },
  };
}

async function settle(message: JsMsg, handle: (payload: string) => void): Promise<void> {
  handle(message.string());
  await message.ackAck();
}
