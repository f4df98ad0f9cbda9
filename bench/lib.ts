// What every benchmark here shares: starting the shop as a user does, and the measurements.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { ShopClient } from '../test/support/client.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 300);
export const CHECKOUT_CONCURRENCY = Number(process.env.BENCH_CHECKOUT_CONCURRENCY ?? 10);
export const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 10);
export const STARTS = Number(process.env.BENCH_STARTS ?? 5);

export interface Started {
  url: string;
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

/** Starts the shop the way a user does (`npm start`) and times it until the ready line. */
export async function start(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const began = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const ready = await new Promise<{ url: string; pid: number }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('not ready in 90 s')), 90_000);
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

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function measureCheckout(api: ShopClient, checkouts = CHECKOUTS, concurrency = CHECKOUT_CONCURRENCY) {
  const customers = await Promise.all(Array.from({ length: concurrency }, (_, i) => api.newCustomer(`Bench${i}`)));
  const postMs: number[] = [];
  const sagaMs: number[] = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    customers.map(async (customer) => {
      while (next < checkouts) {
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
    concurrency,
    checkoutsPerSecond: Math.round(postMs.length / seconds),
    postP50Ms: Number(percentile(postMs, 50).toFixed(1)),
    postP99Ms: Number(percentile(postMs, 99).toFixed(1)),
    toShippedP50Ms: percentile(sagaMs, 50),
    toShippedP99Ms: percentile(sagaMs, 99),
  };
}

export async function measureReads(url: string, token: string) {
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

/**
 * Memory of a whole topology, in MB of PSS (shared pages split between the processes sharing them,
 * so PostgreSQL's shared buffers count once): the Agora processes (the process tree under `npm
 * start`) and the servers it started under `dataDir` (detached, so found by their data folder).
 */
export function memoryMb(rootPid: number, dataDir: string): { agoraMb: number; serversMb: number } {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // exited meanwhile
    }
  }
  const tree = (roots: number[]) => {
    const members = new Set(roots);
    for (let grown = true; grown; ) {
      grown = false;
      for (const [pid, parent] of parents) if (members.has(parent) && !members.has(pid)) grown = members.add(pid) !== undefined;
    }
    return members;
  };
  const pss = (pids: Set<number>) => {
    let kb = 0;
    for (const pid of pids) {
      try {
        kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      } catch {
        // exited meanwhile
      }
    }
    return Math.round(kb / 1024);
  };
  const servers = tree([...commands].filter(([, command]) => command.includes(dataDir)).map(([pid]) => pid));
  const agora = tree([rootPid]);
  for (const pid of servers) agora.delete(pid);
  return { agoraMb: pss(agora), serversMb: pss(servers) };
}
