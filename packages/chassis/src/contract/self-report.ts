import { Type, type Static } from 'typebox';

/**
 * What one running instance tells operators about itself, so the gateway can draw the system
 * without reading `topology.ts`: the graph is whatever the running services declare.
 */
const instanceFields = {
  /** Chosen at start; tells two instances apart even when they share a pid or have no URL. */
  id: Type.String(),
  pid: Type.Integer(),
  /** The release it runs (SERVICE_VERSION in the split topology). */
  version: Type.String(),
  /** Where other processes reach it; absent when it is only reachable in-process (embedded). */
  url: Type.Optional(Type.String()),
};
const Instance = Type.Object(instanceFields);

/** One route of the service's own API as callers see it (internal routes are not listed). */
const ContractRoute = Type.Object({
  operation: Type.String(),
  method: Type.String(),
  path: Type.String(),
  access: Type.String({ description: 'public, user or admin' }),
  summary: Type.String(),
  deprecated: Type.Optional(Type.Boolean()),
});

export const Description = Type.Object({
  service: Type.String(),
  description: Type.String(),
  instance: Type.Object({ ...instanceFields, ready: Type.Boolean() }),
  database: Type.Object({ engine: Type.String({ description: 'sqlite, postgres or mysql' }) }),
  bus: Type.Object({ engine: Type.String({ description: 'sqlite, nats or rabbitmq' }) }),
  /** Services this one calls (its `dependsOn`), with the contract version it was built against. */
  calls: Type.Array(Type.Object({ service: Type.String(), version: Type.String() })),
  publishes: Type.Array(Type.String()),
  consumes: Type.Array(Type.String()),
  /** The service's HTTP contract: its version and routes. */
  api: Type.Object({ version: Type.String(), routes: Type.Array(ContractRoute) }),
  /** What `publishes` lists, with each event's description. */
  events: Type.Array(Type.Object({ type: Type.String(), description: Type.String() })),
});

/**
 * Cumulative traffic along this service's edges since the process started, read from the counters
 * the chassis keeps anyway (`agora_calls_total`, `agora_events_*`). The reader takes differences
 * between two reports, per instance, so restarts and new instances are told apart by `instance.id`.
 */
export const Flow = Type.Object({
  service: Type.String(),
  instance: Instance,
  calls: Type.Array(Type.Object({ target: Type.String(), count: Type.Number(), errors: Type.Number() })),
  published: Type.Array(Type.Object({ type: Type.String(), count: Type.Number() })),
  consumed: Type.Array(Type.Object({ type: Type.String(), count: Type.Number(), errors: Type.Number() })),
  outboxPending: Type.Number(),
  breakers: Type.Record(Type.String(), Type.String()),
  /**
   * Requests the service answered (probes and operator calls left out): count, 5xx, total seconds,
   * and the duration histogram's cumulative counts per finite upper bound `le` (seconds).
   */
  served: Type.Object({
    count: Type.Number(),
    errors: Type.Number(),
    seconds: Type.Number(),
    buckets: Type.Array(Type.Object({ le: Type.Number(), count: Type.Number() })),
  }),
});

export type ServiceDescription = Static<typeof Description>;
export type ServiceFlow = Static<typeof Flow>;
export type InstanceIdentity = Static<typeof Instance>;
export type ContractRouteSummary = Static<typeof ContractRoute>;
