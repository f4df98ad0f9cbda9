import type { Completed } from './history.ts';
import type { FaultRecord } from './nemesis.ts';

export interface LatencyFigures {
  operations: number;
  p50Ms: number;
  p99Ms: number;
}

/** How long client operations took while faults were on, and while none was. */
export interface LatencyReport {
  /** p99 during faults must stay at or under this; see the run's choice of it. */
  boundMs: number;
  duringFaults: LatencyFigures;
  outsideFaults: LatencyFigures;
}

/** Nearest-rank percentile; 0 for no samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figures(operations: Completed[]): LatencyFigures {
  const took = operations.map((operation) => operation.completedAt - operation.invokedAt);
  return { operations: operations.length, p50Ms: percentile(took, 50), p99Ms: percentile(took, 99) };
}

/** Operations begun inside a window (a fault on, its system not yet ready again) against the rest. */
export function latencyFigures(history: Completed[], windows: ReadonlyArray<readonly [number, number]>, boundMs: number): LatencyReport {
  const during = (operation: Completed) => windows.some(([from, to]) => operation.invokedAt >= from && operation.invokedAt <= to);
  const workload = history.filter((operation) => operation.f !== 'register');
  return { boundMs, duringFaults: figures(workload.filter(during)), outsideFaults: figures(workload.filter((operation) => !during(operation))) };
}

/**
 * What the outages did wrong: a fault of a kind that must take readiness down (a killed process,
 * a partitioned broker, a stopped database) that did not, a fault whose services never came back,
 * a tolerated fault (clock skew) that took its service out of the gateway's view, and a p99 during
 * faults over the bound (the shop stopped answering instead of shedding load).
 */
export function outageProblems(faults: FaultRecord[], mustGoDown: readonly string[], latency: LatencyReport): string[] {
  const problems: string[] = [];
  for (const fault of faults) {
    const name = `${fault.kind} ${fault.target} at ${fault.injectedAt} ms`;
    // A fault the system is meant to tolerate (a clock within the skew it allows) takes nothing out of rotation.
    if (fault.observed?.notReadyInGatewayView) problems.push(`${name}: the gateway saw ${fault.services.join(', ')} not ready ${fault.observed.notReadyInGatewayView} times`);
    if (!fault.readiness) continue;
    if (mustGoDown.includes(fault.kind) && !fault.readiness.wentDown) problems.push(`${name}: readiness of ${fault.services.join(', ')} never went down`);
    if (!fault.readiness.cameBack) problems.push(`${name}: readiness of ${fault.services.join(', ')} never came back`);
  }
  if (latency.duringFaults.p99Ms > latency.boundMs) problems.push(`p99 during faults ${latency.duringFaults.p99Ms} ms is over the bound of ${latency.boundMs} ms`);
  return problems;
}
