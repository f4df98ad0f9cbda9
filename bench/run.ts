/**
 * Measures the embedded topology's headline figures and writes bench/results/embedded.json and
 * bench/results/embedded.md. Run with `npm run bench`. Everything stays on 127.0.0.1, bounded in time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { ShopClient } from '../test/support/client.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 300);
const CHECKOUT_CONCURRENCY = Number(process.env.BENCH_CHECKOUT_CONCURRENCY ?? 10);
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 10);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);

interface Started {
  url: string;
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

/** Starts the shop the way a user does (`npm start`) and times it until the ready line. */
async function start(dataDir: string): Promise<Started> {
  const began = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const ready = await new Promise<{ url: string; pid: number }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('not ready in 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"agora ready"')) return;
      clearTimeout(timer);
      const entry = JSON.parse(line) as { url: string; pid: number };
      done({ url: entry.url, pid: entry.pid });
    });
  });
  const readyMs = performance.now() - began;
  return {
    ...ready,
    readyMs,
    async stop() {
      const exited = new Promise((done) => child.once('exit', done));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

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

async function measureCheckout(api: ShopClient) {
  const customers = await Promise.all(Array.from({ length: CHECKOUT_CONCURRENCY }, (_, i) => api.newCustomer(`Bench${i}`)));
  const postMs: number[] = [];
  const sagaMs: number[] = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    customers.map(async (customer) => {
      while (next < CHECKOUTS) {
        next++;
        const sent = performance.now();
        const placed = await api.placeOrder(customer.token, [{ productId: 'p-cable', quantity: 1 }]);
        postMs.push(performance.now() - sent);
        if (placed.status !== 202) throw new Error(`checkout answered ${placed.status}`);
        const order = await api.waitForStatus(customer.token, placed.body.id, ['SHIPPED', 'CANCELLED'], 30_000);
        if (order.status !== 'SHIPPED') throw new Error(`order ${order.id} ended ${order.status}`);
        // Saga latency as orders recorded it: accepted → SHIPPED.
        const shipped = order.history.find((entry: { status: string }) => entry.status === 'SHIPPED');
        sagaMs.push(Date.parse(shipped.at) - Date.parse(order.createdAt));
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  postMs.sort((a, b) => a - b);
  sagaMs.sort((a, b) => a - b);
  return {
    checkouts: postMs.length,
    concurrency: CHECKOUT_CONCURRENCY,
    checkoutsPerSecond: Math.round(postMs.length / seconds),
    postP50Ms: Number(percentile(postMs, 50).toFixed(1)),
    postP99Ms: Number(percentile(postMs, 99).toFixed(1)),
    toShippedP50Ms: percentile(sagaMs, 50),
    toShippedP99Ms: percentile(sagaMs, 99),
  };
}

async function measureReads(url: string, token: string) {
  const result = await autocannon({
    url: `${url}/api/v1/products/p-keyboard`,
    connections: 50,
    duration: READ_SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    connections: 50,
    seconds: READ_SECONDS,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
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
