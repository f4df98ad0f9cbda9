import type { NodeInstance, Topology, TopologyEdge, TopologyNode } from './contract.ts';
import { BUS, GATEWAY, callEdge, databaseNode, eventEdge, storageEdge } from './edge-ids.ts';

/** What a service's instances declare about themselves (the union over its instances). */
export interface Declared {
  calls: Array<{ service: string; version: string }>;
  publishes: string[];
  consumes: string[];
  database: string;
  bus: string;
}

/** One service as the gateway found it: its instances now, and what it declared when last heard. */
export interface ServiceView {
  service: string;
  /** Absent only when no instance has answered since the gateway started. */
  declared?: Declared;
  instances: NodeInstance[];
}

export interface GatewayView {
  instances: NodeInstance[];
  /** The contracts the gateway routes public traffic to. */
  routes: Array<{ service: string; version: string }>;
}

/**
 * The system graph from what is running: the gateway's routes, and each service's declared calls,
 * events and database. Events go through the bus node (producer → bus → consumer, one edge per
 * event type and leg), so a consumer whose producer is down still shows where its events come from.
 */
export function topologyGraph(gateway: GatewayView, services: ServiceView[]): Topology {
  const nodes: TopologyNode[] = [{ id: GATEWAY, kind: 'gateway', label: 'gateway', instances: gateway.instances }];
  const edges: TopologyEdge[] = gateway.routes.map((route) => call(GATEWAY, route));
  const busEngine = services.find((view) => view.declared)?.declared?.bus;
  nodes.push({ id: BUS, kind: 'bus', label: 'event bus', ...(busEngine ? { engine: busEngine } : {}) });
  for (const { service, declared, instances } of services) {
    nodes.push({ id: service, kind: 'service', label: service, instances });
    if (!declared) continue;
    nodes.push({ id: databaseNode(service), kind: 'database', label: `${service} database`, engine: declared.database });
    edges.push({ id: storageEdge(service), from: service, to: databaseNode(service), kind: 'storage', label: declared.database });
    edges.push(...declared.calls.map((callee) => call(service, callee)));
    edges.push(...declared.publishes.map((type) => event(service, BUS, type)));
    edges.push(...declared.consumes.map((type) => event(BUS, service, type)));
  }
  return { nodes, edges };
}

function call(from: string, to: { service: string; version: string }): TopologyEdge {
  return { id: callEdge(from, to.service), from, to: to.service, kind: 'call', label: `${to.service} v${to.version}` };
}

function event(from: string, to: string, type: string): TopologyEdge {
  return { id: eventEdge(from, to, type), from, to, kind: 'event', label: type };
}
