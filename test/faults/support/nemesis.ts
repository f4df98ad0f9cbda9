import { setTimeout as sleep } from 'node:timers/promises';
import { between, pick, seededRandom, shuffle } from './random.ts';
import type { FaultReadiness } from './readiness.ts';

/** One fault of a schedule: when it starts (from the run's start), what, on what, for how long. */
export interface PlannedFault {
  atMs: number;
  kind: string;
  holdMs: number;
}

export interface FaultRecord extends PlannedFault {
  target: string;
  /** The services whose readiness this fault may take down; the run waits for them to recover. */
  services: string[];
  injectedAt: number;
  healedAt: number;
  /** From healing to `/readyz` answering 200 again. */
  recoveryMs: number;
  /** From injecting to `/readyz` answering 200 again (a restart's boot included). */
  outageMs: number;
  /** Whether the affected services' readiness went down during the outage and came back after. */
  readiness?: FaultReadiness;
  /** What the fault measured on the way, e.g. the outbox a partitioned service piled up. */
  observed?: Record<string, number>;
}

/** What an action hit: a description, and the services it affects (their readiness is watched). */
export interface FaultHit {
  target: string;
  services: string[];
  observed?: Record<string, number>;
}

/**
 * An action injects its fault, keeps it for `holdMs`, heals it, and says what it hit. Healing a
 * killed process means starting it again (embedded) or letting the supervisor do so (split).
 */
export type FaultAction = (holdMs: number, random: () => number) => Promise<FaultHit>;

export interface ScheduleOptions {
  seed: number;
  kinds: Array<{ kind: string; holdMs: [number, number] }>;
  count: number;
  /** The first fault waits this long, so the workload is in full flow when it hits. */
  firstAtMs: number;
  /** Quiet time between one fault's recovery and the next. */
  gapMs: [number, number];
}

/** The same seed gives the same schedule; every kind comes once (in a drawn order) before any repeats. */
export function drawSchedule(options: ScheduleOptions): PlannedFault[] {
  const random = seededRandom(options.seed);
  const firstRound = shuffle(random, options.kinds);
  const schedule: PlannedFault[] = [];
  let at = options.firstAtMs;
  for (let i = 0; i < options.count; i++) {
    const { kind, holdMs } = firstRound[i] ?? pick(random, options.kinds);
    const hold = between(random, holdMs[0], holdMs[1]);
    schedule.push({ atMs: at, kind, holdMs: hold });
    at += hold + between(random, options.gapMs[0], options.gapMs[1]);
  }
  return schedule;
}

/**
 * Runs the schedule one fault at a time; each waits for the system to be ready again before the
 * next begins, so recovery is measured per fault. A slow recovery shifts the rest of the schedule,
 * so the planned quiet time between faults is kept.
 */
export async function runNemesis(schedule: PlannedFault[], actions: Record<string, FaultAction>, waitReady: (services: string[]) => Promise<number>, seed: number): Promise<FaultRecord[]> {
  const started = Date.now();
  const random = seededRandom(seed ^ 0x5eed);
  const records: FaultRecord[] = [];
  let lagMs = 0;
  for (const planned of schedule) {
    const wait = planned.atMs + lagMs - (Date.now() - started);
    if (wait > 0) await sleep(wait);
    const injectedAt = Date.now() - started;
    const hit = await actions[planned.kind]!(planned.holdMs, random);
    const healedAt = Date.now() - started;
    const recoveryMs = await waitReady(hit.services);
    records.push({ ...planned, ...hit, injectedAt, healedAt, recoveryMs, outageMs: Date.now() - started - injectedAt });
    lagMs = Math.max(lagMs, Date.now() - started - (planned.atMs + planned.holdMs));
  }
  return records;
}

/** Whether a process still exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not exit after SIGKILL`);
    await sleep(20);
  }
}

/** Stops a process (SIGSTOP) for `holdMs`, then lets it go on; it is let go even if the wait is cut short. */
export async function pause(pid: number, holdMs: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await sleep(holdMs);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
