// What one run writes (bench/results/latest.json for a full run): every figure, and where it came from.
import type { ChainResult } from '../rows/chain.ts';
import type { CheckoutResult } from '../rows/checkout.ts';
import type { DispatchResult } from '../rows/dispatch.ts';
import type { EventsResult } from '../rows/events.ts';
import type { GatewayResult } from '../rows/gateway.ts';
import type { StartupResult } from '../rows/startup.ts';
import type { Goal } from './context.ts';
import type { Machine } from './machine.ts';
import type { Settings } from './settings.ts';

export interface Results {
  /** full: every row, the committed figures; quick: every row, briefly; partial: some rows (--only). */
  kind: 'full' | 'quick' | 'partial' | 'profile';
  date: string;
  commit: string;
  /** The working tree had changes to tracked files. */
  dirty: boolean;
  durationSeconds: number;
  machine: Machine;
  settings: Settings;
  rows: string[];
  goals: Goal[];
  /** Rows that failed, with the reason; the others were still measured. */
  failures: Record<string, string>;
  /** Compiling the NestJS peer, the run's first step. */
  nestBuildMs?: number;
  startup?: StartupResult;
  gateway?: GatewayResult;
  chain?: ChainResult;
  checkout?: CheckoutResult;
  events?: EventsResult;
  dispatch?: DispatchResult;
}
