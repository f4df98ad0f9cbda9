/**
 * Row 5, in-process dispatch: one call between two services of the embedded topology through the
 * chassis (trace context, deadline, retry, breaker, bulkhead, the callee's routing and validation)
 * against Moleculer's local `broker.call` (validated params) and a bare `await fn()`, in one
 * process on the servers' CPU (bench/measure/dispatch.ts).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Goal } from '../lib/context.ts';
import { runMeasureProcess } from '../lib/measure-process.ts';
import { placement } from '../lib/processes.ts';
import { ratioPerRound } from '../lib/rounds.ts';
import { spread, type Spread } from '../lib/stats.ts';

export interface DispatchResult {
  seconds: number;
  callsPerSecond: Record<'bare' | 'moleculer' | 'agora', Spread>;
  /** Agora's calls/s over Moleculer's, per round. */
  agoraOverMoleculer: Spread;
}

export async function dispatchRow(context: BenchContext): Promise<{ result: DispatchResult; goals: Goal[] }> {
  const { settings } = context;
  context.log(`dispatch: ${settings.rounds} round(s) of ${settings.dispatchSeconds} s each way`);
  const measured = await runMeasureProcess<{ rounds: Record<'bare' | 'moleculer' | 'agora', number[]> }>(
    context,
    'dispatch',
    join(import.meta.dirname, '..', 'measure', 'dispatch.ts'),
    { rounds: settings.rounds, seconds: settings.dispatchSeconds, dataDir: mkdtempSync(join(context.runDir, 'dispatch-')), profileDir: context.profileDir },
    placement?.servers,
    // Profiled from inside, Agora's calls only: the other variants would fill the profile with their own frames.
    false,
  );
  const result: DispatchResult = {
    seconds: settings.dispatchSeconds,
    callsPerSecond: { bare: spread(measured.rounds.bare, 0), moleculer: spread(measured.rounds.moleculer, 0), agora: spread(measured.rounds.agora, 0) },
    agoraOverMoleculer: ratioPerRound(measured.rounds.agora, measured.rounds.moleculer, 3),
  };
  const share = result.agoraOverMoleculer.median;
  const goal: Goal = {
    row: 'dispatch',
    name: 'In-process dispatch',
    goal: "≥ Moleculer's local calls/s",
    measured: `${share}× Moleculer (${result.callsPerSecond.agora.median.toLocaleString('en')} vs ${result.callsPerSecond.moleculer.median.toLocaleString('en')}/s)`,
    value: share,
    met: share >= 1,
  };
  return { result, goals: [goal] };
}
