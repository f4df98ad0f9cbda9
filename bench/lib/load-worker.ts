// The load generator: autocannon in a process of its own (pinned apart from the servers), driven
// over IPC by the harness. It measures its own CPU use, and every response's latency at microsecond
// resolution (autocannon's own histogram keeps whole milliseconds, too coarse for in-process calls).
// A fixed rate is paced evenly by paced-load.ts instead, which autocannon cannot do.
import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.ts';
import { runPaced } from './paced-load.ts';

async function run(spec: LoadSpec): Promise<LoadResult> {
  if (spec.overallRate) return runPaced({ ...spec, overallRate: spec.overallRate });
  const latencies = createHistogram();
  let ok = 0;
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method ?? 'GET',
        headers: spec.headers,
        body: spec.body,
        connections: spec.connections,
        duration: spec.seconds,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode < 200 || statusCode >= 300) return;
      ok++;
      latencies.record(Math.max(1, Math.round(responseTime * 1000)));
    });
  });
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const ms = (percentile: number) => (ok > 0 ? Number((latencies.percentile(percentile) / 1000).toFixed(3)) : Number.NaN);
  return {
    requestsPerSecond: Math.round(ok / seconds),
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
    maxMs: ok > 0 ? Number((latencies.max / 1000).toFixed(3)) : Number.NaN,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Number(seconds.toFixed(2)),
    loadCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
  };
}

process.on('message', (message: { id: number; spec: LoadSpec }) => {
  run(message.spec).then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.message }),
  );
});
process.on('disconnect', () => process.exit(0));
