import type { BreakerState, LiveTick, ServiceStatus, Topology } from '../api/types.ts';

/** Ticks over which an error keeps its edge red, so a single failure is seen. */
const ERROR_MEMORY_TICKS = 3;

export interface EdgeStats {
  count: number;
  errors: number;
  rate: number;
  /** Errors over the last few ticks. */
  recentErrors: number;
}

export type NodeState = 'up' | 'not-ready' | 'stopped' | 'unreachable';

/** The graph's numbers for one moment: the latest tick, with readiness from the services' status. */
export interface LiveView {
  tick: LiveTick | undefined;
  edges: Map<string, EdgeStats>;
  breakers: Record<string, BreakerState>;
  outbox: Record<string, number>;
  /** Events on the bus not yet handled, per consuming service (services that consume nothing are absent). */
  waiting: Record<string, number>;
  /** Requests served per second, per service and for the gateway. */
  requests: Map<string, number>;
  states: Map<string, NodeState>;
}

const NO_EDGE: EdgeStats = { count: 0, errors: 0, rate: 0, recentErrors: 0 };
export const edgeStats = (view: LiveView, id: string): EdgeStats => view.edges.get(id) ?? NO_EDGE;

export function liveView(topology: Topology, ticks: LiveTick[], statuses: ServiceStatus[] | undefined): LiveView {
  const tick = ticks.at(-1);
  const edges = new Map<string, EdgeStats>();
  for (const edge of tick?.edges ?? []) edges.set(edge.id, { count: edge.count, errors: edge.errors, rate: edge.rate, recentErrors: 0 });
  for (const past of ticks.slice(-ERROR_MEMORY_TICKS)) {
    for (const edge of past.edges) {
      if (edge.errors === 0) continue;
      const stats = edges.get(edge.id) ?? { ...NO_EDGE };
      stats.recentErrors += edge.errors;
      edges.set(edge.id, stats);
    }
  }

  // Requests per node: as the gateway measured them when the stream says, else the calls arriving on its edges.
  const requests = new Map<string, number>();
  for (const node of topology.nodes) {
    if (node.kind !== 'service' && node.kind !== 'gateway') continue;
    const measured = tick?.services?.[node.id]?.rate;
    const arriving = topology.edges.filter((edge) => edge.kind === 'call' && (node.kind === 'gateway' ? edge.from === node.id : edge.to === node.id));
    requests.set(node.id, measured ?? round(arriving.reduce((sum, edge) => sum + (edges.get(edge.id)?.rate ?? 0), 0)));
  }

  const stopped = new Set([...(tick?.stopped ?? []), ...(statuses ?? []).filter((status) => status.stopped).map((status) => status.service)]);
  const unreachable = new Set(tick?.unreachable ?? []);
  const states = new Map<string, NodeState>();
  for (const node of topology.nodes) {
    if (node.kind !== 'service') continue;
    const status = statuses?.find((item) => item.service === node.id);
    states.set(node.id, stopped.has(node.id) ? 'stopped' : unreachable.has(node.id) ? 'unreachable' : status && !status.ready ? 'not-ready' : 'up');
  }
  return { tick, edges, breakers: tick?.breakers ?? {}, outbox: tick?.outbox ?? {}, waiting: tick?.waiting ?? {}, requests, states };
}

export const round = (value: number): number => Math.round(value * 100) / 100;

/** "3.4/s" below ten, "42/s" above. */
export function formatRate(rate: number): string {
  return `${rate < 10 ? (Math.round(rate * 10) / 10).toString() : Math.round(rate).toString()}/s`;
}
