import type { BreakerState } from './contract.ts';

/** Least to most severe. */
const SEVERITY: readonly BreakerState[] = ['closed', 'half-open', 'open'];

const isBreakerState = (state: string): state is BreakerState => (SEVERITY as readonly string[]).includes(state);

/**
 * Adds one instance's breaker states (as the chassis reports them, per target) to `worst`, keeping
 * the most severe state per key: one instance cut off from a downstream is worth seeing. A state the
 * chassis does not define is left out.
 */
export function addWorstBreakers(worst: Record<string, BreakerState>, states: Record<string, string>, keyOf: (target: string) => string = (target) => target): void {
  for (const [target, state] of Object.entries(states)) {
    if (!isBreakerState(state)) continue;
    const key = keyOf(target);
    const current = worst[key];
    if (current === undefined || SEVERITY.indexOf(state) > SEVERITY.indexOf(current)) worst[key] = state;
  }
}
