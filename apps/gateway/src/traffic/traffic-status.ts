import { TRAFFIC_KINDS, type TrafficKind } from './traffic-mix.ts';

export interface Outcomes {
  ok: number;
  failed: number;
}

/** What `GET /api/v1/admin/traffic` answers, and each live tick carries. */
export interface TrafficStatus {
  running: boolean;
  /** Operations per second it runs at now; 0 when stopped. */
  rate: number;
  /** When the current (or last) run started. */
  startedAt: string | null;
  /** Finished operations of the current (or last) run, per kind. */
  counts: Record<TrafficKind, Outcomes>;
  /** Operations not started because twice the rate were already in flight (the shop is slower than the rate). */
  shed: number;
  inFlight: number;
  lastError: string | null;
}

export function emptyCounts(): Record<TrafficKind, Outcomes> {
  return Object.fromEntries(TRAFFIC_KINDS.map((kind) => [kind, { ok: 0, failed: 0 }])) as Record<TrafficKind, Outcomes>;
}
