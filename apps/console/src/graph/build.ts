import { MarkerType, type EdgeMarker } from '@xyflow/react';
import type { Faults, Topology, TopologyEdge } from '../api/types.ts';
import { type Layout } from './layout.ts';
import { edgeStats, round, type EdgeStats, type LiveView } from './live-view.ts';
import type { Emphasis, FlowEdge, FlowNode, Pulse } from './model.ts';

/** At most this many dots per edge and tick; the label carries the exact rate. */
const MAX_DOTS = 24;
/** How far before its target a call's label ends: room for the arrowhead. */
const CALL_LABEL_BEFORE = 16;

/** What the graph is asked to emphasise: a followed order's services and event legs. */
export interface Focus {
  nodes: Set<string>;
  edges: Set<string>;
}

export interface BuildOptions {
  selected: string | null;
  faults: Map<string, Faults>;
  /** Fallbacks per `caller->target` since the page started watching. */
  fallbacks: Record<string, number>;
  focus: Focus | null;
}

/** The id of an event leg: all event types between one service and the bus, in one direction. */
export const eventLegId = (from: string, to: string): string => `events:${from}->${to}`;

/** The graph's nodes and edges: the topology placed by the layout, with the live view's numbers on them. */
export function buildFlow(topology: Topology, layout: Layout, view: LiveView, options: BuildOptions): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const emphasis = (id: string): Emphasis => (!options.focus ? 'normal' : options.focus.nodes.has(id) ? 'highlighted' : 'dimmed');
  const edgeEmphasis = (id: string): Emphasis => (!options.focus ? 'normal' : options.focus.edges.has(id) ? 'highlighted' : 'dimmed');
  const nodes: FlowNode[] = [];
  for (const node of topology.nodes) {
    const box = layout.boxes.get(node.id);
    if (!box) continue;
    // `measured` matches the size the layout gives the card. Without it the graph library treats every
    // rebuilt node (one per tick) as new, forgets where its handles are and hides its edges until it
    // measures the card again; a measurement that lands between two rebuilds is lost, and the edges stay
    // hidden for good. With it, the handles measured once are kept across rebuilds.
    const size = { width: box.width, height: box.height };
    const base = { id: node.id, position: { x: box.x, y: box.y }, ...size, measured: size, draggable: false, selectable: false };
    const instances = node.instances ?? [];
    if (node.kind === 'gateway') {
      nodes.push({ ...base, type: 'gateway', data: { label: node.label, instances: instances.length, requests: view.requests.get(node.id) ?? 0, emphasis: emphasis(node.id) } });
    } else if (node.kind === 'service') {
      const errors = topology.edges.filter((edge) => edge.kind === 'call' && edge.to === node.id).reduce((sum, edge) => sum + edgeStats(view, edge.id).errors, 0);
      nodes.push({
        ...base,
        type: 'service',
        data: {
          name: node.id,
          callers: callersOf(topology, node.id),
          versions: [...new Set(instances.map((instance) => instance.version))],
          instances: instances.length,
          state: view.states.get(node.id) ?? 'up',
          requests: view.requests.get(node.id) ?? 0,
          errors: view.tick?.services?.[node.id]?.errors ?? errors,
          outbox: view.outbox[node.id] ?? 0,
          waiting: view.waiting[node.id],
          faults: options.faults.get(node.id),
          selected: options.selected === node.id,
          emphasis: emphasis(node.id),
        },
      });
    } else if (node.kind === 'database') {
      const owner = node.id.replace(/^db:/, '');
      const state = view.states.get(owner);
      nodes.push({ ...base, type: 'database', data: { label: node.label, engine: node.engine ?? '', down: state === 'stopped' || state === 'unreachable', emphasis: emphasis(node.id) } });
    } else {
      const rate = topology.edges.filter((edge) => edge.kind === 'event' && edge.to === node.id).reduce((sum, edge) => sum + edgeStats(view, edge.id).rate, 0);
      nodes.push({ ...base, type: 'bus', data: { engine: node.engine ?? '', rate: round(rate), handles: layout.busHandles, emphasis: emphasis(node.id) } });
    }
  }
  return { nodes, edges: [...callAndStorageEdges(topology, view, options, edgeEmphasis), ...eventLegs(topology, view, edgeEmphasis)] };
}

function callAndStorageEdges(topology: Topology, view: LiveView, options: BuildOptions, emphasis: (id: string) => Emphasis): FlowEdge[] {
  const at = view.tick?.at ?? '';
  const spreadMs = view.tick?.intervalMs ?? 1000;
  return topology.edges
    .filter((edge) => edge.kind !== 'event')
    .map((edge) => {
      const stats = edgeStats(view, edge.id);
      const call = edge.kind === 'call';
      // Requests entering at the gateway are the real ones from the tick's traces; inner calls follow their counts.
      const traces = view.tick?.traces.filter((trace) => trace.edge === edge.id) ?? [];
      const dots = edge.from === 'gateway' && traces.length > 0 ? traces.map((trace) => trace.status === 'error') : countDots(stats);
      return {
        id: edge.id,
        source: edge.from,
        target: edge.to,
        type: 'flow' as const,
        sourceHandle: call ? 'call-out' : 'store',
        targetHandle: call ? `in:${edge.from}` : 'in',
        focusable: false,
        selectable: false,
        markerEnd: arrow(edge.kind, stats.recentErrors > 0 || view.breakers[edge.id] === 'open'),
        data: {
          kind: edge.kind,
          // Just before the target, on the caller's own lane into it: clear of the lines passing between cards.
          label: call ? { before: CALL_LABEL_BEFORE } : { at: 0.5 },
          rate: stats.rate,
          errors: stats.errors,
          recentErrors: stats.recentErrors,
          breaker: view.breakers[edge.id],
          fallbacks: options.fallbacks[`${edge.from}->${edge.to}`] ?? 0,
          types: [],
          detail: edge.label,
          pulse: pulse(`${edge.id}@${at}`, spreadMs, dots.slice(-MAX_DOTS)),
          emphasis: emphasis(edge.id),
        },
      };
    });
}

/** One edge per service and direction to or from the bus, carrying every event type on that leg. */
function eventLegs(topology: Topology, view: LiveView, emphasis: (id: string) => Emphasis): FlowEdge[] {
  const legs = new Map<string, { from: string; to: string; edges: TopologyEdge[] }>();
  for (const edge of topology.edges) {
    if (edge.kind !== 'event') continue;
    const id = eventLegId(edge.from, edge.to);
    const leg = legs.get(id) ?? { from: edge.from, to: edge.to, edges: [] };
    leg.edges.push(edge);
    legs.set(id, leg);
  }
  const at = view.tick?.at ?? '';
  const spreadMs = view.tick?.intervalMs ?? 1000;
  return [...legs].map(([id, leg]) => {
    const stats = leg.edges.map((edge) => ({ type: edge.label, ...edgeStats(view, edge.id) }));
    const total: EdgeStats = {
      count: stats.reduce((sum, item) => sum + item.count, 0),
      errors: stats.reduce((sum, item) => sum + item.errors, 0),
      rate: round(stats.reduce((sum, item) => sum + item.rate, 0)),
      recentErrors: stats.reduce((sum, item) => sum + item.recentErrors, 0),
    };
    const publishing = leg.to === 'bus';
    const service = publishing ? leg.from : leg.to;
    return {
      id,
      source: leg.from,
      target: leg.to,
      type: 'flow' as const,
      sourceHandle: publishing ? 'publish' : `out:${service}`,
      targetHandle: publishing ? `in:${service}` : 'consume',
      focusable: false,
      selectable: false,
      markerEnd: arrow('event', total.recentErrors > 0),
      data: {
        kind: 'event' as const,
        label: { at: 0.5 },
        rate: total.rate,
        errors: total.errors,
        recentErrors: total.recentErrors,
        breaker: undefined,
        fallbacks: 0,
        types: stats.map((item) => ({ type: item.type, rate: item.rate })),
        detail: publishing ? `${service} publishes` : `${service} consumes`,
        pulse: pulse(`${id}@${at}`, spreadMs, countDots(total).slice(-MAX_DOTS)),
        emphasis: emphasis(id),
      },
    };
  });
}

/** Arrowheads in the colours of the edge styles (styles.css). */
const ARROW_COLOURS = { call: '#52627a', event: '#7c5cc4', storage: '#a3afc2', failing: '#d23b3b' };

function arrow(kind: TopologyEdge['kind'], failing: boolean): EdgeMarker {
  return { type: MarkerType.ArrowClosed, width: 14, height: 14, color: failing ? ARROW_COLOURS.failing : ARROW_COLOURS[kind] };
}

/** The callers of a service, the gateway first: one handle each down the card's left side. */
export function callersOf(topology: Topology, service: string): string[] {
  const callers = topology.edges.filter((edge) => edge.kind === 'call' && edge.to === service).map((edge) => edge.from);
  return [...new Set(callers)].sort((a, b) => Number(b === 'gateway') - Number(a === 'gateway'));
}

function countDots(stats: EdgeStats): boolean[] {
  const total = Math.min(stats.count, MAX_DOTS);
  const failed = stats.count > 0 ? Math.round((stats.errors / stats.count) * total) : 0;
  return Array.from({ length: total }, (_, index) => index < failed);
}

function pulse(key: string, spreadMs: number, dots: boolean[]): Pulse | undefined {
  return dots.length > 0 ? { key, spreadMs, dots } : undefined;
}
