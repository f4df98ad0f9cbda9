/**
 * What the gateway answers, as the page reads it. Fields marked optional may be missing on a
 * gateway that does not serve them yet; the page shows what is there.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

// Topology

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

// Live stream

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

/** Requests a service (or the gateway) served in the tick's window. */
export interface ServiceRed {
  rate: number;
  errors: number;
  meanMs: number;
  p99Ms: number;
}

export interface LiveTick {
  at: string;
  intervalMs: number;
  edges: EdgeFlow[];
  breakers: Record<string, BreakerState>;
  outbox: Record<string, number>;
  /** Events on the bus not yet acknowledged by each consuming service (they pile up while it is stopped); absent without a bus. */
  waiting?: Record<string, number>;
  traces: CompletedTrace[];
  tracesOmitted: number;
  unreachable: string[];
  services?: Record<string, ServiceRed>;
  traffic?: TrafficStatus;
  stopped?: string[];
}

// Services

export interface ServiceStatus {
  service: string;
  ready: boolean;
  faults?: Faults;
  breakers?: Record<string, BreakerState>;
  consumers?: string[];
  instances: number;
  stopped?: boolean;
  /** Events waiting for it on the bus, when the gateway has one. */
  waiting?: number;
  /** Why no instance answered. */
  error?: string;
}

export interface Faults {
  latencyMs: number;
  errorRate: number;
}

export interface RunState {
  service: string;
  running: boolean;
  processes: string[];
}

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

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogLine {
  time: string;
  level: LogLevel;
  msg: string;
  service: string;
  traceId?: string;
  spanId?: string;
  pid: number;
  fields: Record<string, unknown>;
}

// Traces, orders, sagas

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: string;
  /** Epoch milliseconds. */
  startTime: number;
  durationMs: number;
  status: 'ok' | 'error';
  attributes: Record<string, unknown>;
}

export interface Trace {
  traceId: string;
  spans: Span[];
}

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'CANCELLED';

export interface OrderSummary {
  id: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  createdAt: string;
  userId?: string;
}

export interface SagaStep {
  at: string;
  service: string;
  kind: 'status' | 'published' | 'handled' | 'dead-lettered';
  type: string;
  eventId?: string;
  consumer?: string;
  attempts?: number;
  detail?: string;
  compensation: boolean;
}

export interface Saga {
  orderId: string;
  status: OrderStatus;
  saga: 'choreography' | 'orchestration';
  traceId?: string;
  steps: SagaStep[];
}

// Traffic generator

export interface OutcomeCount {
  ok: number;
  failed: number;
}

export interface TrafficStatus {
  running: boolean;
  rate: number;
  startedAt: string | null;
  counts: Record<string, OutcomeCount>;
  /** Operations skipped because too many were still in flight. */
  shed?: number;
  inFlight?: number;
  lastError: string | null;
}

// Shop

export interface Product {
  id: string;
  sku?: string;
  name: string;
  description?: string;
  category?: string;
  priceCents: number;
  currency: string;
}

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: string;
  status: OrderStatus;
  reason: string | null;
  items: OrderLine[];
  totalCents: number;
  currency: string;
  saga: string;
  createdAt: string;
  updatedAt: string;
  history: Array<{ status: OrderStatus; reason: string | null; at: string }>;
}

export interface Accepted {
  id: string;
  status: OrderStatus;
}

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['SHIPPED', 'CANCELLED']);
