import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Verdict } from './checkers.ts';
import type { FaultRecord } from './nemesis.ts';
import type { LatencyReport } from './outages.ts';

const DIR = resolve(import.meta.dirname, '../../../test-results/faults');
export const REPORT_PATH = join(DIR, 'report.json');

export interface RunReport {
  name: string;
  topology: string;
  seed: number;
  full: boolean;
  durationMs: number;
  faults: FaultRecord[];
  /** Operations begun between a fault's injection and the system being ready again. */
  operationsDuringFaults: number;
  verdict: Verdict;
  /** From the last fault's healing to ready, and to every order settled. */
  recoveryMs: number;
  settledInMs: number;
  /** Client operations' p50 and p99 while faults were on and while none was, against the bound. */
  latency: LatencyReport;
}

/** `kill-service payments pid 123 0 ms, readiness ↓↑`: `–` for a readiness that never went down, `✗` for one that never came back. */
function describeFault(fault: FaultRecord): string {
  const observed = Object.entries(fault.observed ?? {}).map(([name, value]) => ` ${name} ${value}`).join('');
  const readiness = fault.readiness ? `, readiness ${fault.readiness.wentDown ? '↓' : '–'}${fault.readiness.cameBack ? '↑' : '✗'}` : '';
  return `${fault.kind} ${fault.target} ${fault.holdMs} ms${observed}${readiness}`;
}

/** Adds this run to `test-results/faults/report.json` (one entry per test, the latest wins). */
export function writeReport(report: RunReport): void {
  mkdirSync(DIR, { recursive: true });
  const existing = existsSync(REPORT_PATH) ? (JSON.parse(readFileSync(REPORT_PATH, 'utf8')) as { runs: Record<string, unknown> }) : { runs: {} };
  existing.runs[report.name] = { ...report, finishedAt: new Date().toISOString() };
  writeFileSync(REPORT_PATH, JSON.stringify(existing, null, 2) + '\n');
}

/** The figures of a run as a table on stdout, seed first so a failure can be replayed. */
export function printReport(report: RunReport): void {
  const { verdict } = report;
  const rows: Array<[string, string | number]> = [
    ['seed', `${report.seed} (AGORA_FAULTS_SEED=${report.seed} to replay)`],
    ['operations (ok / fail / unknown)', `${verdict.operations} (${verdict.ok} / ${verdict.failed} / ${verdict.unknown})`],
    ['operations begun during faults', report.operationsDuringFaults],
    ['faults injected', `${report.faults.length}: ${report.faults.map(describeFault).join('; ')}`],
    ['readiness down / back up', `${report.faults.filter((fault) => fault.readiness?.wentDown).length} / ${report.faults.filter((fault) => fault.readiness?.cameBack).length} of ${report.faults.length} faults`],
    ['acknowledged orders', verdict.acknowledged],
    ['lost (missing / unfinished)', `${verdict.lost} / ${verdict.unfinished}`],
    ['duplicated', verdict.duplicated],
    ['oversold', verdict.oversold],
    ['stock difference', verdict.stockDifference],
    ['money difference (cents)', verdict.moneyDifferenceCents],
    ['dead letters', verdict.deadLetters],
    ['recovery: healed → ready, max', `${Math.max(0, ...report.faults.map((fault) => fault.recoveryMs))} ms`],
    ['outage: injected → ready, max', `${Math.max(0, ...report.faults.map((fault) => fault.outageMs))} ms`],
    ['settle: all orders final after the run', `${report.settledInMs} ms`],
    ['p50 / p99 during faults', `${report.latency.duringFaults.p50Ms} / ${report.latency.duringFaults.p99Ms} ms over ${report.latency.duringFaults.operations} operations (bound ${report.latency.boundMs} ms)`],
    ['p50 / p99 outside faults', `${report.latency.outsideFaults.p50Ms} / ${report.latency.outsideFaults.p99Ms} ms over ${report.latency.outsideFaults.operations} operations`],
    ['run time', `${report.durationMs} ms`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`fault run ${report.name} (${report.topology})`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)];
  if (verdict.problems.length) lines.push('  problems:', ...verdict.problems.slice(0, 20).map((problem) => `    - ${problem}`));
  process.stdout.write(lines.join('\n') + '\n');
}
