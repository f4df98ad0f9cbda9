import { Type } from 'typebox';
import { defineApi } from './api.ts';
import { LogLine, LogQuery, SubjectEvents } from './insight-report.ts';
import { Description, Flow } from './self-report.ts';

export const Faults = Type.Object({
  latencyMs: Type.Integer({ minimum: 0, maximum: 60_000, description: 'added to every request, in milliseconds' }),
  errorRate: Type.Number({ minimum: 0, maximum: 1, description: 'share of requests answered 503' }),
});

const DeadLetter = Type.Object({
  seq: Type.Integer(),
  consumer: Type.String(),
  eventId: Type.String(),
  type: Type.String(),
  error: Type.String(),
  attempts: Type.Integer(),
  failedAt: Type.String(),
  replayedAt: Type.Union([Type.String(), Type.Null()]),
});

const Status = Type.Object({
  service: Type.String(),
  ready: Type.Boolean(),
  faults: Faults,
  breakers: Type.Record(Type.String(), Type.String()),
  consumers: Type.Array(Type.String()),
});

const Span = Type.Object({
  traceId: Type.String(),
  spanId: Type.String(),
  parentSpanId: Type.Optional(Type.String()),
  name: Type.String(),
  service: Type.String(),
  kind: Type.String(),
  startTime: Type.Number(),
  durationMs: Type.Number(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  attributes: Type.Record(Type.String(), Type.Unknown()),
});

/** Routes every service gets from the chassis, for operators (through the gateway's admin API). */
export const chassisApi = defineApi('chassis', '1.0.0', {
  status: { method: 'GET', path: '/internal/v1/chassis/status', access: 'internal', summary: 'Readiness, faults, breaker states and consumers', response: { 200: Status } },
  setFaults: { method: 'PUT', path: '/internal/v1/chassis/faults', access: 'internal', summary: 'Inject latency and errors into this service', body: Faults, response: { 200: Faults } },
  listDeadLetters: { method: 'GET', path: '/internal/v1/chassis/dead-letters', access: 'internal', summary: 'Events parked after failing N times', response: { 200: Type.Object({ items: Type.Array(DeadLetter) }) } },
  traceSpans: {
    method: 'GET',
    path: '/internal/v1/chassis/traces/:traceId',
    access: 'internal',
    summary: "This process's recent spans of one trace",
    params: Type.Object({ traceId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }),
    response: { 200: Type.Object({ spans: Type.Array(Span) }) },
  },
  metrics: {
    method: 'GET',
    path: '/internal/v1/chassis/metrics',
    access: 'internal',
    summary: "This process's Prometheus metrics as JSON, for the gateway to aggregate across processes",
    response: { 200: Type.Object({ metrics: Type.Array(Type.Unknown()) }) },
  },
  describe: {
    method: 'GET',
    path: '/internal/v1/chassis/describe',
    access: 'internal',
    summary: 'This instance: its release, process, database and bus engines, and the calls and events it declares',
    response: { 200: Description },
  },
  flow: {
    method: 'GET',
    path: '/internal/v1/chassis/flow',
    access: 'internal',
    summary: "Cumulative calls and events along this service's edges, outbox pending and breaker states, for the live console",
    response: { 200: Flow },
  },
  logs: {
    method: 'GET',
    path: '/internal/v1/chassis/logs',
    access: 'internal',
    summary: "This instance's recent log lines of this service, oldest first, optionally of one trace",
    querystring: LogQuery,
    response: { 200: Type.Object({ items: Type.Array(LogLine) }) },
  },
  subjectEvents: {
    method: 'GET',
    path: '/internal/v1/chassis/subjects/:subject/events',
    access: 'internal',
    summary: "Events about one subject in this service's store: published (outbox), handled (inbox), dead-lettered",
    params: Type.Object({ subject: Type.String({ minLength: 1, maxLength: 191 }) }),
    response: { 200: SubjectEvents },
  },
  replayDeadLetters: {
    method: 'POST',
    path: '/internal/v1/chassis/dead-letters/replay',
    access: 'internal',
    summary: 'Run parked events through their consumers again',
    response: { 200: Type.Object({ replayed: Type.Integer(), failed: Type.Integer() }) },
  },
});
