/**
 * What the gateway's operator API answers, as types only: the gateway builds these answers and the
 * live console reads them, both from this one declaration. It imports nothing, so the browser build
 * checks it without Node's or Fastify's types, and nothing of it reaches the bundle.
 */

// GET /api/v1/admin/topology

export interface NodeInstance {
  url?: string;
  version: string;
  pid?: number;
  ready?: boolean;
}

export interface TopologyNode {
  id: string;
  kind: 'gateway' | 'service' | 'database' | 'bus';
  label: string;
  instances?: NodeInstance[];
  engine?: string;
}

export interface TopologyEdge {
  id: string;
  from: string;
  to: string;
  kind: 'call' | 'event' | 'storage';
  label: string;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

// GET /api/v1/admin/live (Server-Sent Events, one tick a `data:` line)

/** The states of the chassis's circuit breakers. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Traffic along one edge in a tick's window. */
export interface EdgeFlow {
  id: string;
  count: number;
  errors: number;
  /** Per second. */
  rate: number;
}

export interface CompletedTrace {
  id: string;
  /** The gateway → service edge the request entered by. */
  edge: string;
  route: string;
  status: 'ok' | 'error';
  durationMs: number;
}

/** Requests one service (or the gateway) answered in a tick's window, over all its instances. */
export interface ServiceRed {
  /** Requests per second. */
  rate: number;
  /** Answers with a 5xx status. */
  errors: number;
  meanMs: number;
  p99Ms: number;
}

/** What moved through the system since the previous tick. */
export interface LiveTick {
  /** When this tick's sample was taken (ISO 8601). */
  at: string;
  /** Time since the previous sample: the window of every count below. */
  intervalMs: number;
  /** Edges with traffic in the window (absent edges had none). */
  edges: EdgeFlow[];
  /** Per call edge, the worst state over the caller's instances. */
  breakers: Record<string, BreakerState>;
  outbox: Record<string, number>;
  /**
   * Events on the bus per consuming service, not yet acknowledged by it (delivered or not), summed
   * over its durable consumers: they pile up while it is stopped. Absent without a bus, or when the
   * bus did not answer.
   */
  waiting?: Record<string, number>;
  traces: CompletedTrace[];
  /** Requests that finished in the window beyond the ones listed in `traces`. */
  tracesOmitted: number;
  unreachable: string[];
  /** Requests each service (and the gateway) answered in the window, over its instances; probes and operator calls left out. */
  services: Record<string, ServiceRed>;
  /** The operator's traffic generator, as `GET /api/v1/admin/traffic` answers. */
  traffic: TrafficStatus;
  /** Services an operator stopped (`POST /api/v1/admin/services/:service/stop`). */
  stopped: string[];
}

// GET, PUT and DELETE /api/v1/admin/traffic

/** What the traffic generator does, one operation at a time. */
export type TrafficKind = 'browse' | 'login' | 'checkout' | 'declined' | 'outOfStock' | 'orderStatus' | 'cancel';

export interface Outcomes {
  ok: number;
  failed: number;
}

export interface TrafficStatus {
  running: boolean;
  /** Operations per second it runs at now; 0 when stopped. */
  rate: number;
  /** When the current (or last) run started. */
  startedAt: string | null;
  /** Finished operations of the current (or last) run, per kind. */
  counts: Record<TrafficKind, Outcomes>;
  /** Operations not started because twice the rate were already in flight (the shop is slower than the rate). */
  shed: number;
  /** Products topped up because they ran low (a run started from the console restocks; `agora load` does not). */
  restocked: number;
  inFlight: number;
  lastError: string | null;
}

// GET /api/v1/admin/services, PUT …/:service/faults, POST …/:service/stop and …/start

/** As the chassis's `Faults` schema (packages/chassis/src/contract/chassis-api.ts) has them. */
export interface Faults {
  latencyMs: number;
  errorRate: number;
}

/** One service over all its instances. */
export interface ServiceStatus {
  service: string;
  /** Only if every instance is. */
  ready: boolean;
  /** `faults`, `breakers` and `consumers` are absent when no instance answered (`error` says why). */
  faults?: Faults;
  /** Per downstream service, the worst state over its instances. */
  breakers?: Record<string, BreakerState>;
  consumers?: string[];
  instances: number;
  stopped: boolean;
  /** Events waiting for it on the bus, when the gateway has one. */
  waiting?: number;
  /** Why no instance answered. */
  error?: string;
}

export interface ServiceList {
  items: ServiceStatus[];
}

/** What stopping or starting a service did. */
export interface ControlOutcome {
  /** The processes stopped or started (ids of the supervisor's process table); none when the service is paused inside this process. */
  processes: string[];
  /** Every service that went with them: a process may host several (the mixed topology's monolith). */
  services: string[];
}

export interface RunState extends ControlOutcome {
  service: string;
  running: boolean;
}

// GET /api/v1/admin/services/:service/contract

/** As the chassis's `ContractRoute` schema (packages/chassis/src/contract/self-report.ts) has it. */
export interface ContractRoute {
  operation: string;
  method: string;
  path: string;
  access: string;
  summary: string;
  deprecated?: boolean;
}

export interface ServiceContract {
  service: string;
  version: string;
  description: string;
  routes: ContractRoute[];
  publishes: Array<{ type: string; description: string }>;
  consumes: string[];
  openApi: string;
  asyncApi: string;
}

// GET /api/v1/admin/orders/:id/saga

export interface SagaStep {
  at: string;
  service: string;
  kind: 'status' | 'published' | 'handled' | 'dead-lettered';
  /** The event type, or the order status for a status step. */
  type: string;
  eventId?: string;
  consumer?: string;
  attempts?: number;
  detail?: string;
  compensation: boolean;
}

export interface SagaTimeline {
  orderId: string;
  /** The order's status now. */
  status: string;
  saga: 'choreography' | 'orchestration';
  /** The checkout's trace, from the traceparent order.created.v1 was published with. */
  traceId?: string;
  steps: SagaStep[];
  /** Services whose store could not be read: their steps are missing. */
  unreachable?: string[];
}
