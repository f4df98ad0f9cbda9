import { setTimeout as sleep } from 'node:timers/promises';

export interface GateSettings {
  errorRate: number;
  observeSeconds: number;
  minRequests: number;
}

export interface RequestCounts {
  total: number;
  errors: number;
}

export type GateVerdict = { passed: true; counts: RequestCounts; judged: boolean } | { passed: false; counts: RequestCounts; reason: string };

/** The probes and the metrics endpoint say nothing about how the release treats real requests. */
const OPERATOR_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
const SAMPLE = /^agora_http_requests_total\{([^}]*)\} (\d+(?:\.\d+)?(?:e\+?\d+)?)$/;

/** Requests an instance has answered, and how many with a 5xx, from its own /metrics. */
export async function requestCounts(instanceUrl: string, service: string): Promise<RequestCounts> {
  const response = await fetch(new URL('/metrics', instanceUrl), { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`${instanceUrl}/metrics answered ${response.status}`);
  const counts = { total: 0, errors: 0 };
  for (const line of (await response.text()).split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => [name, value]));
    if (labels.service !== service || OPERATOR_ROUTES.has(labels.route ?? '')) continue;
    const value = Number(match[2]);
    counts.total += value;
    if ((labels.status ?? '').startsWith('5')) counts.errors += value;
  }
  return counts;
}

/**
 * Watches new instances for the observation window: every second each must still be ready, and
 * at the end their own 5xx ratio over the window must be within the gate. With fewer requests than
 * `minRequests` the ratio says too little to judge, and the verdict rests on readiness alone.
 */
export async function observeGate(instanceUrls: string[], service: string, gate: GateSettings, stillRunning: () => Promise<boolean>, interrupted: AbortSignal): Promise<GateVerdict> {
  const sum = (all: RequestCounts[]) => all.reduce((total, each) => ({ total: total.total + each.total, errors: total.errors + each.errors }), { total: 0, errors: 0 });
  const before = sum(await Promise.all(instanceUrls.map((url) => requestCounts(url, service))));
  const deadline = Date.now() + gate.observeSeconds * 1_000;
  let counts: RequestCounts = { total: 0, errors: 0 };
  while (Date.now() < deadline) {
    await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())));
    if (interrupted.aborted) return { passed: false, counts, reason: 'the deploy was interrupted' };
    if (!(await stillRunning())) return { passed: false, counts, reason: 'a new instance exited' };
    for (const url of instanceUrls) {
      const ready = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false);
      if (!ready) return { passed: false, counts, reason: `${url} is not ready` };
    }
    const now = sum(await Promise.all(instanceUrls.map((url) => requestCounts(url, service))));
    counts = { total: now.total - before.total, errors: now.errors - before.errors };
    // Failing early spares the canary's share of traffic the rest of the window.
    if (counts.total >= gate.minRequests && counts.errors / counts.total > gate.errorRate) break;
  }
  if (counts.total < gate.minRequests) return { passed: true, counts, judged: false };
  const rate = counts.errors / counts.total;
  if (rate > gate.errorRate) return { passed: false, counts, reason: `error rate ${(rate * 100).toFixed(1)}% > ${(gate.errorRate * 100).toFixed(1)}% (${counts.errors} of ${counts.total})` };
  return { passed: true, counts, judged: true };
}
