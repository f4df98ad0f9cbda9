import { Type, consume, defineApi, defineEvent, defineService, defineStorage, type EventDefinition, type EventEnvelope, type ServiceContext, type Kysely, type ServiceDefinition } from '@agora/chassis';

const Noted = Type.Object({ n: Type.Integer({ minimum: 0 }) });
export type NotedEnvelope = EventEnvelope<{ n: number }>;

/** What the consumer does with an event before it records the effect: sleep, stall, throw. */
export type Reaction = (event: NotedEnvelope) => Promise<void>;

interface SinkDb {
  // No unique key on purpose: only the chassis's inbox stands between a redelivery and a second row.
  effects: { event_id: string; n: number };
}

export interface DeliveryProbe {
  event: EventDefinition<typeof Noted>;
  /** Publishes `event` through its outbox; nothing else. */
  source: ServiceDefinition;
  /** Consumes `event` (durable consumer `<sink>.apply`) and records one effect row per handling. */
  sink: ServiceDefinition;
  consumer: string;
  /** The source's context once a runtime created it: its transactions write the outbox. */
  sourceContext(): ServiceContext<any>;
  sinkContext(): ServiceContext<SinkDb>;
}

/**
 * A producer and a consumer service of one case's own event type, so the durable consumers of one
 * case never see another case's events on a shared bus.
 */
export function deliveryProbe(topic: string, react: Reaction = async () => {}): DeliveryProbe {
  const sourceName = `${topic}-source`;
  const sinkName = `${topic}-sink`;
  const event = defineEvent(sourceName, `delivery.${topic}.noted.v1`, Noted, 'A numbered probe event.');
  let sourceContext: ServiceContext<any> | undefined;
  let sinkContext: ServiceContext<SinkDb> | undefined;
  const source = defineService({
    name: sourceName,
    description: 'Publishes probe events through its outbox.',
    api: defineApi(sourceName, '1.0.0', {}),
    publishes: [event],
    dependsOn: [],
    config: Type.Object({}),
    storage: defineStorage({}),
    create: (ctx) => {
      sourceContext = ctx;
      return { handlers: {} };
    },
  });
  const sink = defineService({
    name: sinkName,
    description: 'Consumes probe events and counts their effects.',
    api: defineApi(sinkName, '1.0.0', {}),
    publishes: [],
    dependsOn: [],
    config: Type.Object({}),
    storage: defineStorage<SinkDb>({
      '001-effects': {
        async up({ db }) {
          await db.schema.createTable('effects').addColumn('event_id', 'text', (c) => c.notNull()).addColumn('n', 'integer', (c) => c.notNull()).execute();
        },
      },
    }),
    create: (ctx) => {
      sinkContext = ctx;
      return {
        handlers: {},
        consumers: [
          consume(event, 'apply', async (envelope, c) => {
            await react(envelope);
            await c.transaction(async (tx) => {
              await tx.db.insertInto('effects').values({ event_id: envelope.id, n: envelope.data.n }).execute();
            });
          }),
        ],
      };
    },
  });
  const created = <T>(context: T | undefined, name: string): T => {
    if (!context) throw new Error(`${name} has no runtime yet`);
    return context;
  };
  return {
    event,
    source,
    sink,
    consumer: `${sinkName}.apply`,
    sourceContext: () => created(sourceContext, sourceName),
    sinkContext: () => created(sinkContext, sinkName),
  };
}

/** The effects the sink applied, in the order it applied them. */
export async function effectsOf(probe: DeliveryProbe): Promise<Array<{ eventId: string; n: number }>> {
  const rows = await probe.sinkContext().db.selectFrom('effects').select(['event_id', 'n']).execute();
  return rows.map((row) => ({ eventId: row.event_id, n: Number(row.n) }));
}

/** The source's outbox rows, by sequence: the event each holds and whether the relay marked it sent. */
export async function outboxOf(probe: DeliveryProbe): Promise<Array<{ seq: number; id: string; n: number; published: boolean }>> {
  const rows = await probe.sourceContext().db.selectFrom('outbox').select(['seq', 'id', 'envelope', 'published_at']).orderBy('seq').execute();
  return rows.map((row) => ({ seq: Number(row.seq), id: row.id, n: (JSON.parse(row.envelope) as NotedEnvelope).data.n, published: row.published_at !== null }));
}

/** Events of this probe's consumer in the sink's inbox. */
export async function inboxOf(probe: DeliveryProbe): Promise<string[]> {
  const db = probe.sinkContext().db as unknown as Kysely<any>;
  const rows = await db.selectFrom('inbox').select('event_id').where('consumer', '=', probe.consumer).execute();
  return rows.map((row) => String(row.event_id));
}
