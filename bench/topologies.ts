/**
 * The same shop in three topologies, measured in one run on one machine: embedded (one process,
 * SQLite), mixed (everything but inventory in one process, inventory alone) and split (a process per
 * service), the last two on PostgreSQL and NATS JetStream. Writes bench/results/topologies.{json,md}.
 * Run with `npm run bench:topologies`. Everything stays on 127.0.0.1, bounded in count and time.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShopClient } from '../test/support/client.ts';
import { CHECKOUTS, CHECKOUT_CONCURRENCY, READ_SECONDS, ROOT, measureCheckout, measureReads, memoryMb, start } from './lib.ts';

const TOPOLOGIES = ['embedded', 'mixed', 'split'] as const;
const UNLOADED_CHECKOUTS = 30;

async function measure(topology: (typeof TOPOLOGIES)[number]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
  // PostgreSQL runs as its own user and must reach the data folder.
  chmodSync(dataDir, 0o755);
  const shop = await start(dataDir, { AGORA_TOPOLOGY: topology });
  try {
    await sleep(3_000);
    const idle = memoryMb(shop.pid, dataDir);
    const api = new ShopClient(shop.url);
    // One buyer, one order at a time: what the architecture itself costs, before any queueing.
    const unloaded = await measureCheckout(api, UNLOADED_CHECKOUTS, 1);
    const checkout = await measureCheckout(api);
    const reads = await measureReads(shop.url, await api.token('alice@example.com', 'alice-password'));
    const loaded = memoryMb(shop.pid, dataDir);
    return { topology, startToReadyMs: Math.round(shop.readyMs), idle, afterLoad: loaded, unloaded, checkout, authenticatedProductReads: reads };
  } finally {
    await shop.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const topology of TOPOLOGIES) {
  process.stderr.write(`bench: ${topology}\n`);
  results.push(await measure(topology));
}
const machine = { cpus: (await import('node:os')).cpus().length, node: process.version };
writeFileSync(
  join(ROOT, 'bench/results/topologies.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, sagaStyle: process.env.SAGA_STYLE ?? 'choreography', results }, null, 2)}\n`,
);
const table = [
  `| topology | start → ready | memory idle (Agora + servers) | one buyer: POST p50, accepted → SHIPPED p50 | loaded: POST p50 / p99 | loaded: accepted → SHIPPED p50 / p99 | loaded: checkouts/s | GET product req/s (p99) |`,
  '|---|---|---|---|---|---|---|---|',
  ...results.map(
    (result) =>
      `| ${result.topology} | ${result.startToReadyMs} ms | ${result.idle.agoraMb} + ${result.idle.serversMb} MB | ${result.unloaded.postP50Ms} ms, ${result.unloaded.toShippedP50Ms} ms | ${result.checkout.postP50Ms} / ${result.checkout.postP99Ms} ms | ${result.checkout.toShippedP50Ms} / ${result.checkout.toShippedP99Ms} ms | ${result.checkout.checkoutsPerSecond}/s | ${result.authenticatedProductReads.requestsPerSecond} (${result.authenticatedProductReads.latencyP99Ms} ms) |`,
  ),
  '',
  `One buyer: ${UNLOADED_CHECKOUTS} checkouts one after another. Loaded: ${CHECKOUTS} checkouts, ${CHECKOUT_CONCURRENCY} concurrent buyers, each polling its order every 25 ms; reads: 50 connections for ${READ_SECONDS} s; memory is PSS; ${machine.cpus} cores, Node ${machine.node}.`,
].join('\n');
writeFileSync(join(ROOT, 'bench/results/topologies.md'), `${table}\n`);
process.stdout.write(`${table}\n`);
