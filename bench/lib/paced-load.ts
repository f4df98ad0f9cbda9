// A fixed rate, evenly paced: request i is due at start + i / rate, whatever the answers before it
// did (an open loop). autocannon cannot pace: its rate limit lets each connection send its share of
// a second back to back as the second begins and then idle (mcollina/autocannon#174), so a "fixed
// rate" of 187/s over 10 connections measured 10 requests at a time in bursts, a quarter of each
// second, not a service below saturation. Latency counts from when a request is handed to the pool,
// so one that waited there for a free connection is not measured as faster than it was (a timer's
// own lateness, under a millisecond, is not counted: it would add the same to every request).
import { createHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { LoadResult, LoadSpec } from './load.ts';

/** How long a request may take before it counts as a timeout (autocannon's default). */
const TIMEOUT_MS = 10_000;

export async function runPaced(spec: LoadSpec & { overallRate: number }): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  const latencies = createHistogram();
  const counts = { ok: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const path = url.pathname + url.search;
  const send = async () => {
    const sent = performance.now();
    try {
      const answer = await pool.request({ path, method: spec.method ?? 'GET', headers: spec.headers, body: spec.body });
      await answer.body.dump();
      if (answer.statusCode < 200 || answer.statusCode >= 300) {
        counts.non2xx++;
        return;
      }
      counts.ok++;
      latencies.record(Math.max(1, Math.round((performance.now() - sent) * 1000)));
    } catch (error) {
      if ((error as { code?: string }).code?.endsWith('_TIMEOUT')) counts.timeouts++;
      else counts.errors++;
    }
  };

  const cpuBefore = process.cpuUsage();
  const total = Math.round(spec.overallRate * spec.seconds);
  const interval = 1000 / spec.overallRate;
  const began = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let issued = 0; issued < total; ) {
    // Everything due by now goes out at once (a late timer must not lower the rate), then sleep to the next.
    const now = performance.now();
    for (; issued < total && began + issued * interval <= now; issued++) inFlight.push(send());
    if (issued < total) await sleep(Math.max(0, began + issued * interval - performance.now()));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  const ms = (value: number) => (counts.ok > 0 ? Number((value / 1000).toFixed(3)) : Number.NaN);
  return {
    requestsPerSecond: Math.round(counts.ok / seconds),
    p50Ms: ms(latencies.percentile(50)),
    p90Ms: ms(latencies.percentile(90)),
    p99Ms: ms(latencies.percentile(99)),
    maxMs: ms(latencies.max),
    ...counts,
    seconds: Number(seconds.toFixed(2)),
    loadCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
  };
}
