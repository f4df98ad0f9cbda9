/**
 * Writes one Grafana dashboard per workload into dashboards/: the same sections for every service
 * (RED per route, outgoing calls, events, outbox), plus what only one of them has (the saga, the
 * gateway's shared state, the SLOs each one measures). `--check` writes nothing and exits 1 when
 * a committed dashboard differs from what this would write, or is missing, or is left over.
 *
 *   node deploy/grafana/generate.ts [--check]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { services } from '../../topology.ts';
import { formatDashboard, layout, PROMETHEUS, type Section } from './panels.ts';
import { calls, events, outbox, requests, saga, sharedState, sloBurn } from './sections.ts';

export const DASHBOARDS_DIR = join(import.meta.dirname, 'dashboards');

function variable(name: string, query: string) {
  return {
    name,
    type: 'query',
    datasource: PROMETHEUS,
    query: { query, refId: name },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    sort: 1,
  };
}

/** One workload's dashboard: what only it has and the SLOs it measures on top, then the standard sections. */
export function serviceDashboard(service: string, sections: Section[], extra: Section[] = []) {
  return {
    uid: `agora-${service}`,
    title: `Agora / ${service}`,
    tags: ['agora'],
    editable: true,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    links: [{ title: 'Agora', type: 'dashboards', tags: ['agora'], asDropdown: true }],
    templating: {
      list: [
        variable('job', `label_values(agora_http_requests_total{service="${service}"}, job)`),
        variable('instance', `label_values(agora_http_requests_total{service="${service}", job=~"$job"}, instance)`),
      ],
    },
    panels: layout([...extra, ...sloBurn(service), ...sections]),
  };
}

export function dashboards(): Map<string, string> {
  const all = [
    serviceDashboard('gateway', [requests('gateway')], [sharedState]),
    ...services.map((definition) =>
      serviceDashboard(
        definition.name,
        [requests(definition.name), ...(definition.dependsOn.length > 0 ? [calls(definition.name)] : []), events(definition.name), outbox(definition.name)],
        definition.name === 'orders' ? [saga] : [],
      ),
    ),
  ];
  return new Map(all.map((dashboard) => [`${dashboard.uid.replace(/^agora-/, '')}.json`, `${formatDashboard(dashboard)}\n`]));
}

if (import.meta.main) {
  const expected = dashboards();
  const committed = readdirSync(DASHBOARDS_DIR, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.json')).map((entry) => entry.name);
  if (process.argv.includes('--check')) {
    const stale = [...expected].filter(([file, text]) => !committed.includes(file) || readFileSync(join(DASHBOARDS_DIR, file), 'utf8') !== text).map(([file]) => file);
    const leftOver = committed.filter((file) => !expected.has(file));
    if (stale.length + leftOver.length > 0) {
      console.error(`deploy/grafana/dashboards is out of date (${[...stale, ...leftOver].join(', ')}): run node deploy/grafana/generate.ts`);
      process.exit(1);
    }
  } else {
    mkdirSync(DASHBOARDS_DIR, { recursive: true });
    for (const file of committed.filter((name) => !expected.has(name))) rmSync(join(DASHBOARDS_DIR, file));
    for (const [file, text] of expected) writeFileSync(join(DASHBOARDS_DIR, file), text);
  }
}
