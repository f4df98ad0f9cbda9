import type { Edge, Node } from '@xyflow/react';
import type { BreakerState, Faults } from '../api/types.ts';
import type { NodeState } from './live-view.ts';

/** How a node looks against a focus (a followed order): part of it, or not. */
export type Emphasis = 'normal' | 'highlighted' | 'dimmed';

export type GatewayNodeData = {
  label: string;
  instances: number;
  requests: number;
  emphasis: Emphasis;
};

export type ServiceNodeData = {
  name: string;
  /** Who calls this service, in the order of their handles down its left side. */
  callers: string[];
  versions: string[];
  instances: number;
  state: NodeState;
  requests: number;
  errors: number;
  outbox: number;
  /** Events waiting for it on the bus; undefined when it consumes none (or the gateway has no bus). */
  waiting: number | undefined;
  faults: Faults | undefined;
  selected: boolean;
  emphasis: Emphasis;
};

export type DatabaseNodeData = {
  label: string;
  engine: string;
  down: boolean;
  emphasis: Emphasis;
};

export type BusNodeData = {
  engine: string;
  rate: number;
  handles: Array<{ service: string; publishY: number; consumeY: number }>;
  emphasis: Emphasis;
};

export type GatewayFlowNode = Node<GatewayNodeData, 'gateway'>;
export type ServiceFlowNode = Node<ServiceNodeData, 'service'>;
export type DatabaseFlowNode = Node<DatabaseNodeData, 'database'>;
export type BusFlowNode = Node<BusNodeData, 'bus'>;
export type FlowNode = GatewayFlowNode | ServiceFlowNode | DatabaseFlowNode | BusFlowNode;

/** Dots to send along an edge for one tick: one per request or event, red for a failure. */
export type Pulse = {
  key: string;
  spreadMs: number;
  dots: boolean[];
};

export type FlowEdgeData = {
  kind: 'call' | 'event' | 'storage';
  /** Where the label sits: a share of the way (0 source, 1 target), or a distance before the target. */
  label: { at: number } | { before: number };
  rate: number;
  errors: number;
  recentErrors: number;
  breaker: BreakerState | undefined;
  /** Fallback answers served on this call since the page started watching. */
  fallbacks: number;
  /** Event legs: each event type with its rate. */
  types: Array<{ type: string; rate: number }>;
  /** The call's contract version (call edges). */
  detail: string;
  pulse: Pulse | undefined;
  emphasis: Emphasis;
};

export type FlowEdge = Edge<FlowEdgeData, 'flow'>;
