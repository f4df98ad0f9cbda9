// Two services on the chassis for the events row: `emitter` publishes ping.sent.v1 inside its own
// transactions (outbox), `sink` consumes it (inbox) and reports each arrival to the benchmark.
import { Type, consume, defineApi, defineEvent, defineService, defineStorage, type ServiceContext, type ServiceDefinition } from '@agora/chassis';

export const pingSent = defineEvent(
  'emitter',
  'ping.sent.v1',
  Type.Object({ seq: Type.Integer(), sentAt: Type.Number({ description: 'performance.timeOrigin + performance.now() at commit, in ms' }) }),
  'A benchmark ping.',
);

/** The emitter; `expose` receives its context, whose `transaction` the benchmark publishes through. */
export function emitter(expose: (context: ServiceContext) => void): ServiceDefinition {
  return defineService({
    name: 'emitter',
    description: 'Publishes benchmark pings through its outbox.',
    api: defineApi('emitter', '1.0.0', {}),
    publishes: [pingSent],
    dependsOn: [],
    config: Type.Object({}),
    storage: defineStorage({}),
    create: (context) => {
      expose(context);
      return { handlers: {} };
    },
  });
}

/** The sink; every ping handled (once, through the inbox) is passed to `received`. */
export function sink(received: (data: { seq: number; sentAt: number }) => void): ServiceDefinition {
  return defineService({
    name: 'sink',
    description: 'Consumes benchmark pings through its inbox.',
    api: defineApi('sink', '1.0.0', {}),
    publishes: [],
    dependsOn: [],
    config: Type.Object({}),
    storage: defineStorage({}),
    create: () => ({
      handlers: {},
      consumers: [consume(pingSent, 'record', async (event) => received(event.data))],
    }),
  });
}
