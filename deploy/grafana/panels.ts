/**
 * Grafana panel JSON, as little of it as Grafana needs; it fills in the rest when it loads a
 * dashboard. Panels flow three to a row, each section under a row header.
 */

/** The datasource uid that provisioning/datasources/datasources.yaml defines. */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' } as const;

export interface Query {
  expr: string;
  legend: string;
}

export interface PanelSpec {
  title: string;
  description?: string;
  queries: Query[];
  /** A Grafana unit: reqps, ops, percentunit, s, short. */
  unit: string;
  /** Breaker states are drawn as a timeline with their names, not as a line. */
  kind?: 'timeseries' | 'state-timeline';
  /** Horizontal lines worth seeing, e.g. the burn rates that page. */
  thresholds?: Array<{ value: number; color: string }>;
  mappings?: Array<{ value: number; text: string; color: string }>;
}

export interface Section {
  title: string;
  panels: PanelSpec[];
}

const WIDTH = 8;
const HEIGHT = 8;
const PER_ROW = 24 / WIDTH;

function panel(spec: PanelSpec, id: number, x: number, y: number) {
  const defaults: Record<string, unknown> = { unit: spec.unit, min: 0 };
  if (spec.thresholds) {
    defaults.thresholds = { mode: 'absolute', steps: [{ color: 'green', value: null }, ...[...spec.thresholds].sort((a, b) => a.value - b.value)] };
    defaults.custom = { thresholdsStyle: { mode: 'line' } };
  }
  if (spec.mappings) {
    defaults.mappings = [{ type: 'value', options: Object.fromEntries(spec.mappings.map((m, index) => [String(m.value), { text: m.text, color: m.color, index }])) }];
  }
  return {
    id,
    type: spec.kind ?? 'timeseries',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: PROMETHEUS,
    gridPos: { h: HEIGHT, w: WIDTH, x, y },
    targets: spec.queries.map((query, index) => ({ refId: String.fromCharCode(65 + index), expr: query.expr, legendFormat: query.legend })),
    fieldConfig: { defaults, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'desc' } },
  };
}

/** Rows and their panels, placed on Grafana's 24-column grid with stable ids. */
export function layout(sections: Section[]): object[] {
  const placed: object[] = [];
  let y = 0;
  let id = 1;
  for (const section of sections) {
    placed.push({ id: id++, type: 'row', title: section.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    section.panels.forEach((spec, index) => {
      placed.push(panel(spec, id++, (index % PER_ROW) * WIDTH, y + Math.floor(index / PER_ROW) * HEIGHT));
    });
    y += Math.ceil(section.panels.length / PER_ROW) * HEIGHT;
  }
  return placed;
}

/**
 * JSON with the outline expanded and the details on one line each (a panel's grid position, one
 * query, its field defaults), so a dashboard reads and diffs panel by panel without running to
 * thousands of lines.
 */
export function formatDashboard(value: unknown, indent = '', depth = 0): string {
  const flat = Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object');
  const inline = value === null || typeof value !== 'object' || flat || depth >= 4 || (depth === 3 && !Array.isArray(value));
  if (inline) return JSON.stringify(value);
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((item) => formatDashboard(item, inner, depth + 1))
    : Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${formatDashboard(item, inner, depth + 1)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  return `${open}\n${items.map((item) => inner + item).join(',\n')}\n${indent}${close}`;
}
