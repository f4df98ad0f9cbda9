import { setTimeout as sleep } from 'node:timers/promises';
import { metrics } from '@agora/chassis';

export interface GateSettings {
  errorRate: number;
  observeSeconds: number;
  minRequests: number;
}

export interface RequestCounts {
  total: number;
  errors: number;
}

/** Whether an instance answers its readiness probe now. */
export function isReady(instanceUrl: string): Promise<boolean> {
  return fetch(new URL('/readyz', instanceUrl), { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false);
}

export type GateVerdict = { passed: true; counts: RequestCounts; judged: boolean } | { passed: false; counts: RequestCounts; reason: string };

/** The probes and the metrics endpoint say nothing about how the release treats real requests. */
const OPERATOR_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
const SAMPLE = /^(agora_http_requests_total|agora_events_consumed_total)\{([^}]*)\} (\d+(?:\.\d+)?(?:e\+?\d+)?)$/;

/**
 * The work an instance has done, from its own /metrics, and how much of it failed: HTTP requests
 * (a 5xx failed) and event deliveries (retried, dead-lettered or parked ones failed). Events count too
 * because a canary takes its share of a service's deliveries whatever the HTTP weights say.
 */
export async function workCounts(instanceUrl: string, service: string): Promise<RequestCounts> {
  const response = await fetch(new URL('/metrics', instanceUrl), { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`${instanceUrl}/metrics answered ${response.status}`);
  const counts = { total: 0, errors: 0 };
  for (const line of (await response.text()).split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => [name, value]));
    if (labels.service !== service) continue;
    const value = Number(match[3]);
    const http = match[1] === 'agora_http_requests_total';
    if (http && OPERATOR_ROUTES.has(labels.route ?? '')) continue;
    counts.total += value;
    if (http ? (labels.status ?? '').startsWith('5') : metrics.failedDeliveryOutcomes.has(labels.outcome ?? '')) counts.errors += value;
  }
  return counts;
}

/**
 * Watches new instances for the observation window: every second each must still be ready, and
 * their own failure ratio over the window must be within the gate. Short of `minRequests` the
 * window is extended, up to three times its length; still short, the ratio says too little to
 * judge and the verdict rests on readiness alone (and says so).
 */
export async function observeGate(instanceUrls: string[], service: string, gate: GateSettings, stillRunning: () => Promise<boolean>, interrupted: AbortSignal): Promise<GateVerdict> {
  const sum = (all: RequestCounts[]) => all.reduce((total, each) => ({ total: total.total + each.total, errors: total.errors + each.errors }), { total: 0, errors: 0 });
  const before = sum(await Promise.all(instanceUrls.map((url) => workCounts(url, service))));
  const started = Date.now();
  const window = gate.observeSeconds * 1_000;
  let counts: RequestCounts = { total: 0, errors: 0 };
  const observing = () => Date.now() - started < window || (counts.total < gate.minRequests && Date.now() - started < 3 * window);
  while (observing()) {
    await sleep(1_000);
    if (interrupted.aborted) return { passed: false, counts, reason: 'the deploy was interrupted' };
    if (!(await stillRunning())) return { passed: false, counts, reason: 'a new instance exited' };
    for (const url of instanceUrls) {
      if (!(await isReady(url))) return { passed: false, counts, reason: `${url} is not ready` };
    }
    const now = sum(await Promise.all(instanceUrls.map((url) => workCounts(url, service))));
    // Counters only go down when a process restarted: what it did before is lost, so is the verdict.
    if (now.total < before.total || now.errors < before.errors) return { passed: false, counts, reason: 'a new instance restarted during its gate' };
    counts = { total: now.total - before.total, errors: now.errors - before.errors };
    // Failing early spares the canary's share of traffic the rest of the window.
    if (counts.total >= gate.minRequests && counts.errors / counts.total > gate.errorRate) break;
  }
  if (counts.total < gate.minRequests) return { passed: true, counts, judged: false };
  const rate = counts.errors / counts.total;
  if (rate > gate.errorRate) return { passed: false, counts, reason: `error rate ${(rate * 100).toFixed(1)}% > ${(gate.errorRate * 100).toFixed(1)}% (${counts.errors} of ${counts.total})` };
  return { passed: true, counts, judged: true };
}
