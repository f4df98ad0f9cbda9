/**
 * The benchmarks of issue 8, in one command: what the architecture costs, measured side by side
 * with peers in the same run. `npm run bench` (under 10 minutes on 2 cores) writes
 * bench/results/latest.json and the README's table; `npm run bench -- --quick` (under 2 minutes)
 * proves the harness works and writes bench/results/quick.json. Also: `--only <row,…>`,
 * `--profile <row>` (CPU profiles of Agora's processes, top frames printed), `--out <file>`.
 * Rows: startup, gateway, chain, checkout, events, dispatch. Everything on 127.0.0.1, bounded in
 * time; every process started is stopped at the end, also on failure or Ctrl-C.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { stopServersIn } from '@agora/infra';
import { buildBundleIfStale } from '../apps/cli/src/server-bundle.ts';
import { buildNest } from './lib/build-nest.ts';
import type { BenchContext, Goal } from './lib/context.ts';
import { LoadGenerator } from './lib/load.ts';
import { commit, machine } from './lib/machine.ts';
import { pin } from './lib/process-table.ts';
import { placement, stopAll } from './lib/processes.ts';
import { summarizeProfiles } from './lib/profile.ts';
import { updateReadme } from './lib/readme.ts';
import type { Results } from './lib/results.ts';
import { FULL, QUICK, ROWS, type RowName } from './lib/settings.ts';
import { ShopPool } from './lib/shop-pool.ts';
import { ROOT } from './lib/shop.ts';
import { peerKeys } from './lib/tokens.ts';
import { chainRow } from './rows/chain.ts';
import { checkoutRow } from './rows/checkout.ts';
import { dispatchRow } from './rows/dispatch.ts';
import { eventsRow } from './rows/events.ts';
import { gatewayRow } from './rows/gateway.ts';
import { startupGoals, startupRow, summarizeStarts } from './rows/startup.ts';

const RESULTS = join(ROOT, 'bench', 'results');

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, profile: { type: 'string' }, out: { type: 'string' } },
});
const chosen = (args.profile ? [args.profile] : args.only ? args.only.split(',') : [...ROWS]).map((row) => row.trim());
const unknown = chosen.filter((row) => !(ROWS as readonly string[]).includes(row));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown row ${unknown.join(', ')}; rows: ${ROWS.join(', ')}\n`);
  process.exit(2);
}
const rows = ROWS.filter((row) => chosen.includes(row));
const settings = args.quick ? QUICK : FULL;
const kind: Results['kind'] = args.profile ? 'profile' : args.only ? 'partial' : settings.kind;

const began = performance.now();
const log = (message: string) => process.stderr.write(`bench [${Math.round((performance.now() - began) / 1000)} s] ${message}\n`);
// This harness drives the load (checkout's buyers, the watchers): it runs beside the load generator.
pin([process.pid], placement?.load);
const runDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
// PostgreSQL (run as its own user) must reach the data folders inside.
chmodSync(runDir, 0o755);
const profileDir = args.profile ? join(RESULTS, 'profiles', `${args.profile}-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const load = LoadGenerator.start();
const shops = new ShopPool(runDir, settings.settleSeconds, () => (profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}));
const context: BenchContext = { settings, runDir, load, keys: await peerKeys(), shops, profileDir, log };

let interrupted = false;
const cleanUp = async () => {
  await shops.stopAll().catch(() => undefined);
  load.stop();
  await stopAll();
  // Servers run detached: a shop stopped mid-start may have left some in its data folder.
  for (const folder of readdirSync(runDir)) await stopServersIn(join(runDir, folder)).catch(() => undefined);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping everything`);
    void cleanUp().finally(() => {
      rmSync(runDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

const results: Results = {
  kind,
  date: new Date().toISOString(),
  ...commit(),
  durationSeconds: 0,
  machine: machine(),
  settings,
  rows,
  goals: [],
  failures: {},
};
const measure: Record<RowName, (context: BenchContext) => Promise<{ result: unknown; goals: Goal[] }>> = {
  startup: startupRow,
  gateway: gatewayRow,
  chain: chainRow,
  checkout: checkoutRow,
  events: eventsRow,
  dispatch: dispatchRow,
};
const processNames = new Map<number, string>();
try {
  // What `npm start` runs: its first start after a change of sources builds the bundle, which is not what the starts measure.
  buildBundleIfStale();
  if (rows.includes('chain')) {
    log('building the NestJS peer');
    results.nestBuildMs = buildNest();
  }
  for (const row of rows) {
    // The shops have done their part once the rows that load them are over: the in-process rows get a quiet machine.
    if (row === 'events' || row === 'dispatch') await shops.stopAll();
    try {
      const { result, goals } = await measure[row](context);
      (results as unknown as Record<string, unknown>)[row] = result;
      results.goals.push(...goals);
    } catch (error) {
      if (interrupted) throw error;
      const cause = (error as Error).cause;
      results.failures[row] = `${(error as Error).stack ?? String(error)}${cause ? `\ncause: ${(cause as Error).message ?? String(cause)}` : ''}`;
      log(`${row} failed: ${(error as Error).message}${cause ? ` (${(cause as Error).message ?? String(cause)})` : ''}`);
    }
    for (const shop of shops.running()) for (const entry of shop.processes()) processNames.set(entry.pid, `${shop.topology} ${entry.name}`);
  }
  // Shops started by the other rows are starts too: the startup figures include them when that row ran.
  if (rows.includes('startup') && !results.failures.startup) {
    results.startup = summarizeStarts(context);
    results.goals = [...results.goals.filter((goal) => goal.row !== 'startup'), ...startupGoals(results.startup)];
  }
} finally {
  await cleanUp();
  results.durationSeconds = Math.round((performance.now() - began) / 1000);
}

// Only a complete full run replaces the committed figures.
const complete = kind === 'full' && Object.keys(results.failures).length === 0;
const out = args.out ?? join(RESULTS, complete ? 'latest.json' : 'quick.json');
mkdirSync(RESULTS, { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
log(`results in ${relative(process.cwd(), out)}`);
if (complete) {
  updateReadme(results);
  log('README.md figures regenerated');
}
process.stdout.write(`\n${'goal'.padEnd(36)} ${'measured'.padEnd(60)} met\n`);
for (const goal of results.goals) process.stdout.write(`${goal.name.padEnd(36)} ${goal.measured.padEnd(60)} ${goal.met ? 'yes' : 'NO'}\n`);
const missed = [...new Set(results.goals.filter((goal) => !goal.met).map((goal) => goal.row))];
if (missed.length > 0 && !profileDir) process.stdout.write(`\nmissed: profile with \`npm run bench -- --profile <row>\` (${missed.join(', ')})\n`);
if (profileDir) {
  for (const summary of summarizeProfiles(profileDir)) {
    process.stdout.write(`\n${summary.label ?? processNames.get(summary.pid) ?? `pid ${summary.pid}`}: ${summary.busySeconds} s on CPU (${relative(process.cwd(), summary.file)})\n`);
    for (const frame of summary.top) process.stdout.write(`  ${String(frame.percent).padStart(5)} %  ${String(frame.selfMs).padStart(6)} ms  ${frame.frame}\n`);
  }
}
const failed = Object.keys(results.failures);
if (failed.length > 0) {
  process.stderr.write(`\nbench: ${failed.join(', ')} failed; logs kept in ${runDir}\n`);
  for (const row of failed) process.stderr.write(`--- ${row}\n${results.failures[row]}\n`);
  process.exit(1);
}
rmSync(runDir, { recursive: true, force: true });
