import type { Topology } from '../api/types.ts';

export const GATEWAY_SIZE = { width: 170, height: 84 };
export const CARD = { width: 200, height: 92 };
export const DATABASE = { width: 160, height: 38 };
const DATABASE_GAP = 22;
const CELL_HEIGHT = CARD.height + DATABASE_GAP + DATABASE.height;
/** Room between two cells of a column: where the event lines of services further left run. */
const SLOT_HEIGHT = CELL_HEIGHT + 84;
const FIRST_COLUMN_X = 310;
const COLUMN_STEP = 350;
const BUS_GAP = 230;
const BUS_WIDTH = 64;
const BUS_MARGIN = 40;

/** Where a card's event lines leave and enter its right side, as a share of its height. */
export const PUBLISH_AT = 0.3;
export const CONSUME_AT = 0.72;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  boxes: Map<string, Box>;
  /** Per service, the bus handles' offsets from the bus's top: events in and out at the service's height. */
  busHandles: Array<{ service: string; publishY: number; consumeY: number }>;
}

/**
 * A fixed layered layout, left to right: the gateway; services in columns by call depth (a service
 * one column right of its deepest caller); the event bus as a tall bar on the right, each service's
 * events on a straight line to it; each database under its service.
 *
 * Services of the densest column are stacked; services of other columns sit in the gaps between
 * the cells of the columns to their right, so their event lines pass between those cells.
 */
export function layoutTopology(topology: Topology): Layout {
  const services = topology.nodes.filter((node) => node.kind === 'service').map((node) => node.id);
  // A service no instance has answered for yet has no database in the graph.
  const databases = new Set(topology.nodes.filter((node) => node.kind === 'database').map((node) => node.id));
  const columns = servicesByDepth(topology, services);
  const boxes = new Map<string, Box>();
  const columnX = (column: number) => FIRST_COLUMN_X + column * COLUMN_STEP;

  // Fill columns from the right: each column's cells are placed in the free lanes left by the ones after it.
  const taken: Array<[number, number]> = [];
  const densest = columns.reduce((most, column) => Math.max(most, column.length), 0);
  const height = Math.max(densest, 1) * SLOT_HEIGHT;
  for (let column = columns.length - 1; column >= 0; column--) {
    const names = columns[column] ?? [];
    const tops = column === columns.length - 1 || taken.length === 0 ? stacked(names.length, height) : inGaps(names.length, taken, height);
    names.forEach((name, index) => {
      const y = tops[index] ?? 0;
      boxes.set(name, { x: columnX(column), y, ...CARD });
      if (databases.has(`db:${name}`)) boxes.set(`db:${name}`, { x: columnX(column) + (CARD.width - DATABASE.width) / 2, y: y + CARD.height + DATABASE_GAP, ...DATABASE });
    });
    for (const y of tops) taken.push([y, y + CELL_HEIGHT]);
  }

  const allY = [...boxes.values()].flatMap((box) => [box.y, box.y + box.height]);
  const top = Math.min(0, ...allY);
  const bottom = Math.max(height, ...allY);
  const middle = (top + bottom) / 2;
  boxes.set('gateway', { x: 0, y: middle - GATEWAY_SIZE.height / 2, ...GATEWAY_SIZE });

  const busTop = top - BUS_MARGIN;
  boxes.set('bus', { x: columnX(Math.max(columns.length - 1, 0)) + CARD.width + BUS_GAP, y: busTop, width: BUS_WIDTH, height: bottom - top + 2 * BUS_MARGIN });
  const busHandles = services.flatMap((service) => {
    const box = boxes.get(service);
    return box ? [{ service, publishY: box.y + CARD.height * PUBLISH_AT - busTop, consumeY: box.y + CARD.height * CONSUME_AT - busTop }] : [];
  });
  return { boxes, busHandles };
}

/** Column of each service: 0 for those only the gateway calls, one right of the deepest caller otherwise. */
function servicesByDepth(topology: Topology, services: string[]): string[][] {
  const callers = new Map<string, string[]>(services.map((service) => [service, []]));
  for (const edge of topology.edges) {
    if (edge.kind === 'call' && callers.has(edge.from) && callers.has(edge.to) && edge.from !== edge.to) callers.get(edge.to)?.push(edge.from);
  }
  const depth = new Map<string, number>();
  const depthOf = (service: string, path: Set<string>): number => {
    const known = depth.get(service);
    if (known !== undefined) return known;
    // A call cycle is cut where it closes.
    const own = Math.max(-1, ...(callers.get(service) ?? []).filter((caller) => !path.has(caller)).map((caller) => depthOf(caller, new Set([...path, service])))) + 1;
    depth.set(service, own);
    return own;
  };
  const columns: string[][] = [];
  for (const service of services) (columns[depthOf(service, new Set([service]))] ??= []).push(service);
  return Array.from(columns, (column) => column ?? []);
}

function stacked(count: number, height: number): number[] {
  const start = (height - count * SLOT_HEIGHT) / 2 + (SLOT_HEIGHT - CELL_HEIGHT) / 2;
  return Array.from({ length: count }, (_, index) => start + index * SLOT_HEIGHT);
}

/**
 * Card tops whose cards are centred on free lanes: the gaps between taken intervals, then beyond
 * both ends, nearest to the middle first.
 */
function inGaps(count: number, taken: Array<[number, number]>, height: number): number[] {
  const sorted = [...taken].sort((a, b) => a[0] - b[0]);
  const lanes: number[] = [];
  for (let index = 1; index < sorted.length; index++) {
    const [, previousEnd] = sorted[index - 1] ?? [0, 0];
    const [nextStart] = sorted[index] ?? [0, 0];
    if (nextStart - previousEnd >= CARD.height * 0.6 && !sorted.some(([start, end]) => start < (previousEnd + nextStart) / 2 && end > (previousEnd + nextStart) / 2)) {
      lanes.push((previousEnd + nextStart) / 2);
    }
  }
  const first = sorted[0]?.[0] ?? 0;
  const last = sorted.at(-1)?.[1] ?? height;
  // Beyond the ends every lane is free: whole slots above the first cell and below the last.
  const gap = SLOT_HEIGHT - CELL_HEIGHT;
  for (let step = 1; lanes.length < count; step++) {
    lanes.push(first - step * SLOT_HEIGHT + CARD.height / 2, last + gap + (step - 1) * SLOT_HEIGHT + CARD.height / 2);
  }
  const middle = height / 2;
  return lanes
    .sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle))
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((lane) => lane - CARD.height / 2);
}
