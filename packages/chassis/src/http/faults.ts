import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { problems } from '../contract/problems.ts';

/** Faults an operator injects into one service, to watch breakers, fallbacks and sagas react. */
export interface Faults {
  latencyMs: number;
  errorRate: number;
}

export const noFaults: Faults = { latencyMs: 0, errorRate: 0 };

/** Applies the service's current faults to every request except the chassis' own routes. */
export function installFaultHook(app: FastifyInstance, current: () => Faults): void {
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/internal/v1/chassis') || request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics') return;
    const faults = current();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) throw problems.unavailable('injected fault');
  });
}
