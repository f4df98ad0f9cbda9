import { setTimeout as sleep } from 'node:timers/promises';
import { check } from './checkers.ts';
import { History } from './history.ts';
import { drawSchedule, runNemesis, type FaultAction, type FaultRecord, type ScheduleOptions } from './nemesis.ts';
import { latencyFigures, outageProblems } from './outages.ts';
import { fullRun } from './random.ts';
import { ReadinessWatch } from './readiness.ts';
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
  /** Each service's instances, probed straight for readiness all through the run. */
  readinessTargets: () => Record<string, string[]>;
  /** Kinds of fault that must take the readiness of the services they hit down. */
  mustGoDown: readonly string[];
  /** The most p99 of client operations begun during faults may take (the run says why). */
  latencyBoundMs: number;
}

/** How long a fault's services may take to be ready again before the run gives up on them. */
const RECOVERY_LIMIT_MS = 90_000;

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
  const readiness = new ReadinessWatch(options.readinessTargets, () => history.now());
  readiness.start();
  // Ready again: the gateway, and every service the fault hit, as probed.
  const ready = async (services: string[]) => {
    const from = Date.now();
    await waitReady(options.baseUrl(), RECOVERY_LIMIT_MS);
    await readiness.waitUp(services, RECOVERY_LIMIT_MS);
    return Date.now() - from;
  };
  const nemesisStartedAt = history.now();
  let faults: FaultRecord[];
  let healStarted: number;
  try {
    faults = await runNemesis(schedule, options.actions, ready, options.seed).finally(() => {
      nemesisDone = true;
      stopAt = Date.now() + options.quietTailMs;
    });
    await workload;
    for (const fault of faults) {
      const from = nemesisStartedAt + fault.injectedAt;
      // A few ms of slack: the nemesis and the history read the clock apart.
      fault.readiness = readiness.during(fault.services, from, from + fault.outageMs + 50);
    }
    healStarted = Date.now();
    await ready(Object.keys(options.readinessTargets()));
  } finally {
    await readiness.stop();
  }
  const recoveryMs = Math.max(Date.now() - healStarted, ...faults.map((fault) => fault.recoveryMs));
  await sleep(200);
  const { snapshot, settledInMs } = await readStores(options.baseUrl(), customers, before, options.settleMs);
  const completed = history.completed();
  const verdict = check(completed, snapshot);
  // Operations begun while a fault was on or its system not yet ready again: the ones that test something.
  const windows = faults.map((fault) => [nemesisStartedAt + fault.injectedAt, nemesisStartedAt + fault.injectedAt + fault.outageMs] as const);
  const operationsDuringFaults = completed.filter((operation) => windows.some(([from, to]) => operation.invokedAt >= from && operation.invokedAt <= to)).length;
  const latency = latencyFigures(completed, windows, options.latencyBoundMs);
  verdict.problems.push(...outageProblems(faults, options.mustGoDown, latency));
  const report: RunReport = { name: options.name, topology: options.topology, seed: options.seed, full: fullRun(), durationMs: Date.now() - started, faults, operationsDuringFaults, verdict, recoveryMs, settledInMs, latency };
  writeReport(report);
  printReport(report);
  return report;
}
