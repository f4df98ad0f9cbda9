/**
 * Observability as code, checked offline: Prometheus accepts the configs and rules, the rules'
 * unit tests pass, the generated rules and dashboards are current, and every metric and label
 * they read is one the chassis defines, so neither can drift from the code. promtool is required
 * (CI installs it with the prometheus package); a missing one fails, it does not skip.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { registry } from '@agora/chassis';
import { services } from '../../topology.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PROMETHEUS = join(ROOT, 'deploy', 'prometheus');
const DASHBOARDS = join(ROOT, 'deploy', 'grafana', 'dashboards');
const workloads = ['gateway', ...services.map((service) => service.name)];

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); promtool comes with the prometheus package`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function promtool(...args: string[]): void {
  const { status, output } = run('promtool', args);
  assert.equal(status, 0, `promtool ${args.join(' ')}\n${output}`);
}

const yamlIn = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.yaml')).map((file) => join(dir, file));
const readYaml = (path: string): unknown => parse(readFileSync(path, 'utf8'));
const dashboards = readdirSync(DASHBOARDS).map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Record<string, any> }));

/** Every string in a parsed document: expressions, series, annotations. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Series names the chassis exposes, histograms with their suffixes, and each one's label names. */
function chassisSeries(): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const metric of registry.getMetricsAsArray()) {
    // prom-client keeps the declared label names on the metric; its typings do not list them.
    const labels = new Set([...((metric as unknown as { labelNames?: string[] }).labelNames ?? []), 'job', 'instance', 'pod']);
    const histogram = String(metric.type) === 'histogram';
    for (const name of histogram ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix) : [metric.name]) {
      series.set(name, name.endsWith('_bucket') ? new Set([...labels, 'le']) : labels);
    }
  }
  return series;
}

describe('Prometheus', () => {
  it('accepts the compose configuration and both rule files', () => {
    promtool('check', 'config', join(PROMETHEUS, 'prometheus.yml'));
    promtool('check', 'rules', join(PROMETHEUS, 'alerts.yaml'), join(PROMETHEUS, 'slo.yaml'));
  });

  it('accepts the Kubernetes configuration', () => {
    const path = join(PROMETHEUS, 'prometheus-k8s.yml');
    const { status, output } = run('promtool', ['check', 'config', path]);
    if (status === 0) return;
    // Debian builds Prometheus without Kubernetes discovery. Then the rest of the file is
    // checked with each discovery block swapped for an empty static one.
    assert.match(output, /field kubernetes_sd_configs not found/, output);
    const config = readYaml(path) as { rule_files: string[]; scrape_configs: Array<Record<string, unknown>> };
    for (const job of config.scrape_configs) {
      assert.ok(job.kubernetes_sd_configs, `${job.job_name} discovers pods through Kubernetes`);
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: [] }];
    }
    config.rule_files = config.rule_files.map((file) => join(PROMETHEUS, file));
    const copy = join(mkdtempSync(join(tmpdir(), 'agora-prometheus-')), 'prometheus-k8s.yml');
    writeFileSync(copy, stringify(config));
    promtool('check', 'config', copy);
  });

  it('passes the rules unit tests', async () => {
    // A file at a time, all at once: each simulates hours of series and takes seconds.
    await Promise.all(
      yamlIn(join(PROMETHEUS, 'tests')).map(async (file) => {
        const result = await promisify(execFile)('promtool', ['test', 'rules', file], { cwd: ROOT }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
          assert.fail(`promtool test rules ${basename(file)}\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
        });
        assert.match(result.stdout, /SUCCESS/);
      }),
    );
  });

  it('scrapes every service of topology.ts, and the gateway apart', () => {
    const config = readYaml(join(PROMETHEUS, 'prometheus.yml')) as { scrape_configs: Array<{ job_name: string; dns_sd_configs: Array<{ names: string[] }> }> };
    const names = (job: string) => config.scrape_configs.find((scrape) => scrape.job_name === job)?.dns_sd_configs.flatMap((sd) => sd.names).sort();
    assert.deepEqual(names('services'), services.map((service) => service.name).sort());
    assert.deepEqual(names('gateway'), ['gateway']);
  });

  it('gives every alert a summary and a runbook section that exists', () => {
    const runbook = readFileSync(join(PROMETHEUS, 'runbook.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#+ (\S+)$/gm)].map((match) => `deploy/prometheus/runbook.md#${match[1]!.toLowerCase()}`));
    for (const file of ['alerts.yaml', 'slo.yaml']) {
      const { groups } = readYaml(join(PROMETHEUS, file)) as { groups: Array<{ rules: Array<Record<string, any>> }> };
      for (const rule of groups.flatMap((group) => group.rules).filter((rule) => rule.alert)) {
        assert.ok(rule.annotations?.summary, `${rule.alert} has a summary`);
        assert.ok(['page', 'ticket'].includes(rule.labels?.severity), `${rule.alert} is a page or a ticket`);
        assert.ok(anchors.has(rule.annotations?.runbook), `${rule.alert}: runbook ${rule.annotations?.runbook} is a heading of runbook.md`);
      }
    }
  });
});

describe('generated files', () => {
  for (const generator of ['deploy/prometheus/generate.ts', 'deploy/grafana/generate.ts']) {
    it(`${generator} --check finds them current`, () => {
      const { status, output } = run(process.execPath, [generator, '--check']);
      assert.equal(status, 0, output);
    });
  }
});

describe('Grafana', () => {
  it('has a dashboard per workload, on the provisioned datasource, with $job and $instance', () => {
    assert.deepEqual(dashboards.map(({ file }) => file).sort(), workloads.map((name) => `${name}.json`).sort());
    const provisioned = readYaml(join(ROOT, 'deploy', 'grafana', 'provisioning', 'datasources', 'datasources.yaml')) as { datasources: Array<{ uid: string }> };
    const uids = new Set(provisioned.datasources.map((datasource) => datasource.uid));
    for (const { file, json } of dashboards) {
      assert.deepEqual(json.templating.list.map((variable: { name: string }) => variable.name), ['job', 'instance'], file);
      for (const panel of json.panels.filter((panel: { type: string }) => panel.type !== 'row')) {
        assert.ok(uids.has(panel.datasource.uid), `${file}: ${panel.title} uses a provisioned datasource`);
        assert.ok(panel.targets.length > 0, `${file}: ${panel.title} has a query`);
      }
    }
  });
});

describe('metric names', () => {
  const documents = [
    ...['alerts.yaml', 'slo.yaml'].map((file) => ({ file, text: strings(readYaml(join(PROMETHEUS, file))) })),
    ...yamlIn(join(PROMETHEUS, 'tests')).map((file) => ({ file, text: strings(readYaml(file)) })),
    ...dashboards.map(({ file, json }) => ({ file, text: strings(json) })),
  ];

  it('reads only series the chassis defines, with labels they have', () => {
    const known = chassisSeries();
    let checked = 0;
    for (const { file, text } of documents) {
      for (const match of text.join('\n').matchAll(/\b(agora_[a-z0-9_]+)(?:\{([^}]*)\})?/g)) {
        const [, name, matchers = ''] = match;
        const labels = known.get(name!);
        assert.ok(labels, `${file}: ${name} is not a metric of packages/chassis/src/telemetry/metrics.ts`);
        for (const [, label] of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*"/g)) {
          assert.ok(labels.has(label!), `${file}: ${name} has no label ${label}`);
        }
        checked += 1;
      }
    }
    assert.ok(checked > 100, `only ${checked} uses of agora_* series found`);
  });

  it('reads only SLO series that slo.yaml records', () => {
    const { groups } = readYaml(join(PROMETHEUS, 'slo.yaml')) as { groups: Array<{ rules: Array<{ record?: string; labels?: { slo?: string } }> }> };
    const recorded = new Set(groups.flatMap((group) => group.rules).filter((rule) => rule.record).map((rule) => `${rule.record}{slo="${rule.labels?.slo}"}`));
    for (const { file, text } of documents) {
      for (const [series] of text.join('\n').matchAll(/slo:[a-z_:0-9]+\{slo="[a-z-]+"\}/g)) {
        assert.ok(recorded.has(series), `${file}: ${series} is not recorded`);
      }
    }
  });
});
