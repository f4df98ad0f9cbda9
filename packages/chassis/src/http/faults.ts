import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { problems } from '../contract/problems.ts';

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

/** Delays the request, then fails it at the error rate: what a request meets before routing. */
export async function applyFaults(faults: Faults): Promise<void> {
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.errorRate > 0 && Math.random() < faults.errorRate) throw problems.unavailable('injected fault');
}

/** Applies the service's current faults to every request except the chassis' own routes. */
export function installFaultHook(app: FastifyInstance, current: () => Faults): void {
  app.addHook('onRequest', async (request) => {
    if (isFaultExempt(request.url)) return;
    await applyFaults(current());
  });
}
