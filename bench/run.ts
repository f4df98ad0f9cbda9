/**
 * Measures the embedded topology's headline figures and writes bench/results/embedded.json and
 * bench/results/embedded.md. Run with `npm run bench`. Everything stays on 127.0.0.1, bounded in time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShopClient } from '../test/support/client.ts';
import { READ_SECONDS, ROOT, STARTS, measureCheckout, measureReads, percentile, rssMb, start } from './lib.ts';

async function measureStartup() {
  const samples: number[] = [];
  let rss = 0;
  for (let i = 0; i < STARTS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
    const shop = await start(dataDir);
    samples.push(shop.readyMs);
    if (i === STARTS - 1) {
      await sleep(3_000);
      rss = rssMb(shop.pid);
    }
    await shop.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  samples.sort((a, b) => a - b);
  return { startToReadyMsMedian: Math.round(percentile(samples, 50)), startToReadyMsMax: Math.round(samples.at(-1)!), idleRssMb: Math.round(rss) };
}

async function main() {
  const startup = await measureStartup();
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
  const shop = await start(dataDir);
  try {
    const api = new ShopClient(shop.url);
    const checkout = await measureCheckout(api);
    const reads = await measureReads(shop.url, await api.token('alice@example.com', 'alice-password'));
    const results = {
      topology: 'embedded',
      sagaStyle: process.env.SAGA_STYLE ?? 'choreography',
      measuredAt: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      startup,
      checkout,
      authenticatedProductReads: reads,
    };
    writeFileSync(join(ROOT, 'bench/results/embedded.json'), `${JSON.stringify(results, null, 2)}\n`);
    const table = [
      '| figure | goal | measured |',
      '|---|---|---|',
      `| \`npm start\` → ready (median of ${STARTS}, max) | ≤ 1 s | ${startup.startToReadyMsMedian} ms (max ${startup.startToReadyMsMax} ms) |`,
      `| idle RSS after start | ≤ 150 MB | ${startup.idleRssMb} MB |`,
      `| checkout POST latency p50 / p99 (${checkout.checkouts} checkouts, ${checkout.concurrency} concurrent) | — | ${checkout.postP50Ms} / ${checkout.postP99Ms} ms |`,
      `| checkout accepted → SHIPPED p50 / p99 | — | ${checkout.toShippedP50Ms} / ${checkout.toShippedP99Ms} ms |`,
      `| checkouts completed per second (same run) | — | ${checkout.checkoutsPerSecond}/s |`,
      `| authenticated \`GET /api/v1/products/:id\` (50 connections, ${READ_SECONDS} s) | — | ${reads.requestsPerSecond} req/s, p99 ${reads.latencyP99Ms} ms, ${reads.non2xx} non-2xx |`,
    ].join('\n');
    writeFileSync(join(ROOT, 'bench/results/embedded.md'), `${table}\n`);
    process.stdout.write(`${table}\n`);
  } finally {
    await shop.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
