/**
 * What the page reads. The gateway's operator API answers come from its own declaration of them;
 * the rest mirrors TypeBox schemas of the chassis and the services, which the page cannot import
 * without their Node dependencies.
 */

export type {
  BreakerState,
  CompletedTrace,
  ContractRoute,
  EdgeFlow,
  Faults,
  LiveTick,
  NodeInstance,
  Outcomes,
  RunState,
  SagaStep,
  SagaTimeline as Saga,
  ServiceContract,
  ServiceList,
  ServiceRed,
  ServiceStatus,
  Topology,
  TopologyEdge,
  TopologyNode,
  TrafficStatus,
} from '@agora/gateway/console-contract';

// Logs: mirrors the chassis's `LogLine` schema (packages/chassis/src/contract/insight-report.ts).
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

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

// Traces: mirrors the chassis's `Span` schema (packages/chassis/src/contract/chassis-api.ts).

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

// Orders: mirrors `OrderStatus` and `AdminOrderPage` in services/orders/contract/api.ts.

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'CANCELLED';

export interface OrderSummary {
  id: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  createdAt: string;
  userId?: string;
}

// Shop: mirrors `ProductV1`/`ProductV2` and `ProductPage` (catalog), `User` and `TokenResponse`
// (identity), `ShippingAddress`, `OrderLine`, `Order` and `Accepted` (orders): each service's contract/api.ts.

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

/** An order's status or a saga's (`Saga.status` is the order's, as a string). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set<OrderStatus>(['SHIPPED', 'CANCELLED']);
