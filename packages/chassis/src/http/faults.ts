import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../contract/problems.ts';

/** Faults an operator injects into one service, to watch breakers, fallbacks and sagas react. */
export interface Faults {
  latencyMs: number;
  errorRate: number;
}

export const noFaults: Faults = { latencyMs: 0, errorRate: 0 };

/** The chassis' own routes and the probes answer whatever the faults: operators must still reach the service. */
export function isFaultExempt(path: string): boolean {
  return path.startsWith('/internal/v1/chassis') || path === '/healthz' || path === '/readyz' || path === '/metrics';
}

/**
 * What an injected error rate answers: a 503 problem like any outage, so callers react as they
 * would to a real one, but known for what it is in the service's own logs (an operator's doing, not
 * a defect: a warning without a stack).
 */
export class InjectedFault extends AppError {
  constructor() {
    super('unavailable', 503, 'Service unavailable', { detail: 'injected fault' });
  }
}

/** Delays the request, then fails it at the error rate: what a request meets before routing. */
export async function applyFaults(faults: Faults): Promise<void> {
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.errorRate > 0 && Math.random() < faults.errorRate) throw new InjectedFault();
}

/** Applies the service's current faults to every request except the chassis' own routes. */
export function installFaultHook(app: FastifyInstance, current: () => Faults): void {
  app.addHook('onRequest', async (request) => {
    if (isFaultExempt(request.url)) return;
    await applyFaults(current());
  });
}
