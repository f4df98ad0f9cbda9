import { httpDuration, httpRequests } from './metrics.ts';

/**
 * Requests one service answered, cumulative since its process started: what the live console
 * turns into rate, errors (5xx) and latency per service. `buckets` are the duration histogram's
 * cumulative counts per finite upper bound (`le`, seconds; the `+Inf` bucket is `count`), so a
 * reader can take differences between two reports and still find a percentile of the window.
 */
export interface ServedRequests {
  count: number;
  errors: number;
  /** Time spent answering them, summed. */
  seconds: number;
  buckets: Array<{ le: number; count: number }>;
}

/** Routes that are the platform talking to itself (probes, scrapes, operator calls), not the service's work. */
export function isOperationalRoute(route: string): boolean {
  return route.startsWith('/internal/v1/chassis/') || ['/healthz', '/readyz', '/metrics', '/openapi.json', '/asyncapi.json'].includes(route);
}

/**
 * One service's served requests from the process registry (several services may share a process,
 * so only series labelled with `service` count). `include` picks routes by method and template;
 * by default every route but the operational ones.
 */
export async function servedRequests(service: string, include: (method: string, route: string) => boolean = (_method, route) => !isOperationalRoute(route)): Promise<ServedRequests> {
  const [requests, durations] = await Promise.all([httpRequests.get(), httpDuration.get()]);
  const served: ServedRequests = { count: 0, errors: 0, seconds: 0, buckets: [] };
  const picked = (labels: Partial<Record<string, string | number>>) => labels.service === service && include(String(labels.method), String(labels.route));
  for (const { labels, value } of requests.values) {
    if (!picked(labels)) continue;
    served.count += value;
    if (Number(labels.status) >= 500) served.errors += value;
  }
  const buckets = new Map<number, number>();
  for (const { labels, value, metricName } of durations.values) {
    if (!picked(labels)) continue;
    if (metricName?.endsWith('_sum')) served.seconds += value;
    // Bucket series carry the `le` label besides the histogram's own.
    const le = (labels as { le?: string | number }).le;
    if (metricName?.endsWith('_bucket') && le !== undefined && le !== '+Inf') buckets.set(Number(le), (buckets.get(Number(le)) ?? 0) + value);
  }
  served.buckets = [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return served;
}
