import type { Outcomes, TrafficKind } from '../console-api/contract.ts';
import { TRAFFIC_KINDS } from './traffic-mix.ts';

/** No operation finished yet, for every kind: what a run's `TrafficStatus.counts` starts from. */
export function emptyCounts(): Record<TrafficKind, Outcomes> {
  return Object.fromEntries(TRAFFIC_KINDS.map((kind) => [kind, { ok: 0, failed: 0 }])) as Record<TrafficKind, Outcomes>;
}
