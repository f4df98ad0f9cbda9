import { setTimeout as sleep } from 'node:timers/promises';
import { check } from './checkers.ts';
import { History } from './history.ts';
import { drawSchedule, runNemesis, type FaultAction, type ScheduleOptions } from './nemesis.ts';
import { fullRun } from './random.ts';
import { printReport, writeReport, type RunReport } from './report.ts';
import { adminToken, ledger, readStores, stockLevels, waitReady } from './store.ts';
import { registerCustomers, runWorkload } from './workload.ts';

export interface FaultRunOptions {
  name: string;
  topology: string;
  seed: number;
  baseUrl: () => string;
  actions: Record<string, FaultAction>;
  schedule: Omit<ScheduleOptions, 'seed'>;
  customers: number;
  maxOperations: number;
  /** Operations go on this long after the last fault, so the healed system is exercised too. */
  quietTailMs: number;
  deadlineMs: number;
  settleMs: number;
}

/** Workload and nemesis together, then heal, read every store and check the history against it. */
export async function faultRun(options: FaultRunOptions): Promise<RunReport> {
  const started = Date.now();
  const history = new History();
  const admin = await adminToken(options.baseUrl());
  const before = { stock: await stockLevels(options.baseUrl(), admin), ledger: await ledger(options.baseUrl(), admin) };
  const workloadOptions = { baseUrl: options.baseUrl, history, seed: options.seed, customers: options.customers, maxOperations: options.maxOperations, deadlineMs: options.deadlineMs, durationMs: 0 };
  const customers = await registerCustomers(workloadOptions);

  const schedule = drawSchedule({ seed: options.seed, ...options.schedule });
  process.stdout.write(`fault run ${options.name}: seed ${options.seed}, schedule ${JSON.stringify(schedule)}\n`);
  const lastPlanned = schedule.at(-1)!;
  let nemesisDone = false;
  let stopAt = Infinity;
  const workload = runWorkload(customers, {
    ...workloadOptions,
    durationMs: lastPlanned.atMs + lastPlanned.holdMs + 120_000,
    shouldStop: () => nemesisDone && Date.now() > stopAt,
  });
  const ready = () => waitReady(options.baseUrl(), 90_000);
  const nemesisStartedAt = history.now();
  const faults = await runNemesis(schedule, options.actions, ready, options.seed).finally(() => {
    nemesisDone = true;
    stopAt = Date.now() + options.quietTailMs;
  });
  await workload;
  const healStarted = Date.now();
  await ready();
  const recoveryMs = Math.max(Date.now() - healStarted, ...faults.map((fault) => fault.recoveryMs));
  await sleep(200);
  const { snapshot, settledInMs } = await readStores(options.baseUrl(), customers, before, options.settleMs);
  const completed = history.completed();
  const verdict = check(completed, snapshot);
  // Operations begun while a fault was on or its system not yet ready again: the ones that test something.
  const windows = faults.map((fault) => [nemesisStartedAt + fault.injectedAt, nemesisStartedAt + fault.injectedAt + fault.outageMs] as const);
  const operationsDuringFaults = completed.filter((operation) => windows.some(([from, to]) => operation.invokedAt >= from && operation.invokedAt <= to)).length;
  const report: RunReport = { name: options.name, topology: options.topology, seed: options.seed, full: fullRun(), durationMs: Date.now() - started, faults, operationsDuringFaults, verdict, recoveryMs, settledInMs };
  writeReport(report);
  printReport(report);
  return report;
}
