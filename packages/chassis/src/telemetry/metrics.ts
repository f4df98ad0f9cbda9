import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every series carries the `service` label. */
export const registry = new Registry();
// The event-loop delay is sampled every 100 ms rather than prom-client's 10: the default woke an
// idle process a hundred times a second (about 5 ms of CPU a second each, idle), and a stall long
// enough to matter still shows in the percentiles.
collectDefaultMetrics({ register: registry, prefix: 'agora_process_', eventLoopMonitoringPrecision: 100 });

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** RED per route: rate and errors from the counter, duration from the histogram. */
export const httpRequests = new Counter({
  name: 'agora_http_requests_total',
  help: 'HTTP requests served, by route and status',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  registers: [registry],
});
export const httpDuration = new Histogram({
  name: 'agora_http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['service', 'method', 'route'] as const,
  buckets: latencyBuckets,
  registers: [registry],
});

/** RED per outgoing call. `outcome` is ok, error, timeout, rejected (breaker/bulkhead) or fallback. */
export const calls = new Counter({
  name: 'agora_calls_total',
  help: 'Calls to other services, by outcome',
  labelNames: ['service', 'target', 'operation', 'outcome'] as const,
  registers: [registry],
});
export const callDuration = new Histogram({
  name: 'agora_call_duration_seconds',
  help: 'Duration of calls to other services',
  labelNames: ['service', 'target', 'operation'] as const,
  buckets: latencyBuckets,
  registers: [registry],
});
export const fallbacks = new Counter({
  name: 'agora_fallbacks_total',
  help: 'Fallback answers served instead of a failed call',
  labelNames: ['service', 'target', 'operation'] as const,
  registers: [registry],
});
/** 0 closed, 1 open, 2 half-open. */
export const breakerState = new Gauge({
  name: 'agora_circuit_breaker_state',
  help: 'Circuit breaker state per downstream (0 closed, 1 open, 2 half-open)',
  labelNames: ['service', 'target'] as const,
  registers: [registry],
  // Aggregated over several instances, the highest value shows: any instance's breaker not closed.
  aggregator: 'max',
});

/** RED per consumer. */
/** Delivery outcomes that did not go through: the event comes again, or is parked for an operator. */
export const failedDeliveryOutcomes: ReadonlySet<string> = new Set(['retry', 'dead-lettered', 'parked']);
export const eventsConsumed = new Counter({
  name: 'agora_events_consumed_total',
  help: 'Event deliveries handled, by outcome (ok, duplicate, retry, dead-lettered)',
  labelNames: ['service', 'consumer', 'type', 'outcome'] as const,
  registers: [registry],
});
export const eventDuration = new Histogram({
  name: 'agora_event_handling_duration_seconds',
  help: 'Event handler duration',
  labelNames: ['service', 'consumer', 'type'] as const,
  buckets: latencyBuckets,
  registers: [registry],
});
export const eventsPublished = new Counter({
  name: 'agora_events_published_total',
  help: 'Events relayed from the outbox to the bus',
  labelNames: ['service', 'type'] as const,
  registers: [registry],
});
export const outboxPending = new Gauge({
  name: 'agora_outbox_pending',
  help: 'Events committed but not yet relayed to the bus',
  labelNames: ['service'] as const,
  registers: [registry],
});
export const outboxLag = new Gauge({
  name: 'agora_outbox_lag_seconds',
  help: 'Age of the oldest event waiting in the outbox',
  labelNames: ['service'] as const,
  registers: [registry],
});
export const deadLetters = new Gauge({
  name: 'agora_dead_letters',
  help: 'Events in the dead-letter store not yet replayed',
  labelNames: ['service'] as const,
  registers: [registry],
});

/**
 * Sagas from their start to a final state. `saga` says which one ran (orders: the checkout style,
 * choreography or orchestration), `outcome` how it ended. 1 s and 5 s are bucket boundaries, so
 * "finished within 5 s" is an exact ratio for an SLO.
 */
export const sagasCompleted = new Counter({
  name: 'agora_saga_completed_total',
  help: 'Sagas that reached a final state, by saga and outcome',
  labelNames: ['service', 'saga', 'outcome'] as const,
  registers: [registry],
});
export const sagaDuration = new Histogram({
  name: 'agora_saga_duration_seconds',
  help: 'Time from the start of a saga to its final state',
  labelNames: ['service', 'saga', 'outcome'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

/**
 * Flushes of an embedded (SQLite) database's write-ahead log (storage/wal-sync.ts): each one makes
 * every commit before it durable, so its count against the commits shows how many share a flush.
 */
export const walSyncSeconds = new Histogram({
  name: 'agora_storage_wal_sync_duration_seconds',
  help: 'Time to put an embedded database\'s write-ahead log on disk, per flush',
  labelNames: ['service'] as const,
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
  registers: [registry],
});

export const sharedStateFallbacks = new Counter({
  name: 'agora_shared_state_fallbacks_total',
  help: 'Operations served from local state because Redis was unavailable (rate limits, cache)',
  labelNames: ['service', 'what'] as const,
  registers: [registry],
});

/** Several processes' series (`getMetricsAsJSON`) as one exposition: counters and histograms summed, gauges by their aggregator. */
export async function aggregateMetrics(processes: unknown[][]): Promise<{ contentType: string; text: string }> {
  const aggregated = AggregatorRegistry.aggregate(processes as Parameters<typeof AggregatorRegistry.aggregate>[0]);
  return { contentType: aggregated.contentType, text: await aggregated.metrics() };
}
