// Agora started the way a user starts it (`npm start`), on a fresh data folder, and what the
// benchmark needs of it afterwards: its processes, their memory, a customer's token.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopServersIn } from '@agora/infra';
import { descendants, pin, processTable, pssMb, rssMb, serversUnder } from './process-table.ts';
import { launch, waitForLine, type Launched } from './processes.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export type Topology = 'embedded' | 'split' | 'mixed';

export interface ShopProcess {
  /** `agora` (embedded), `gateway` (the split supervisor), a service group (`orders`, `monolith`), or a server. */
  name: string;
  pid: number;
  /** Resident memory; for a server, summed over its processes (shared memory counted in each). */
  rssMb: number;
  /** Proportional memory: shared pages split between the processes sharing them; for a server, its processes' sum. */
  pssMb: number;
}

export interface Shop {
  topology: Topology;
  url: string;
  dataDir: string;
  /** Spawn of `npm start` to its `agora ready` line. */
  readyMs: number;
  /** The shop's own count from its process start to ready (without npm and the Node launcher). */
  startupMs: number;
  launched: Launched;
  /** Agora's Node processes (npm and sh left out) and the servers it started, with their RSS now. */
  processes(): ShopProcess[];
  /** PSS of Agora's processes and of its servers, in MB (shared pages counted once). */
  pss(): { agoraMb: number; serversMb: number };
  /** Every process of the shop and its servers, for pinning and CPU accounting. */
  pids(): Set<number>;
  /** The pids of each of the shop's processes by name (as `processes()` names them); a server's are all of its processes. */
  processGroups(): Record<string, number[]>;
  pinTo(cpus: string | undefined): void;
  stop(): Promise<void>;
}

export interface ShopOptions {
  topology: Topology;
  runDir: string;
  cpus?: string;
  env?: NodeJS.ProcessEnv;
}

/** The servers a split or mixed shop starts, as they appear in its process list. */
export const SERVER_NAMES = ['postgres', 'nats-server', 'redis-server'];

export async function startShop(options: ShopOptions): Promise<Shop> {
  const dataDir = mkdtempSync(join(options.runDir, `agora-${options.topology}-`));
  // PostgreSQL runs as its own user and must reach the data folder.
  chmodSync(dataDir, 0o755);
  const began = performance.now();
  const launched = launch(`agora ${options.topology}`, 'npm', ['start', '--silent'], {
    cwd: ROOT,
    cpus: options.cpus,
    // One log per start: the ready line looked for is this start's.
    stdoutFile: `${dataDir}.log`,
    logFile: `${dataDir}.err.log`,
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      AGORA_TOPOLOGY: options.topology,
      // The benchmark's own clients would be throttled like one very busy user.
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      TOKEN_TTL_SECONDS: '3600',
      ...options.env,
    },
  });
  let ready: { url: string; startupMs: number };
  try {
    ready = await waitForLine(
      launched,
      (line) => {
        if (!line.includes('"agora ready"')) return undefined;
        const entry = JSON.parse(line) as { url: string; startupMs: number };
        return { url: entry.url.replace('localhost', '127.0.0.1'), startupMs: entry.startupMs };
      },
      120_000,
    );
  } catch (error) {
    await launched.stop();
    await stopServersIn(dataDir);
    throw error;
  }
  const readyMs = performance.now() - began;
  const members = () => {
    const table = processTable();
    const servers = serversUnder(table, dataDir);
    const agora = descendants(table, [launched.pid]);
    for (const pid of servers) agora.delete(pid);
    return { table, servers, agora };
  };
  const pids = () => {
    const { servers, agora } = members();
    return new Set([...agora, ...servers]);
  };
  /** Agora's Node processes by name (npm and sh left out), and the processes of each server it started. */
  const groups = (): Array<{ name: string; pids: number[] }> => {
    const { table, servers, agora } = members();
    const named: Array<{ name: string; pids: number[] }> = [];
    for (const pid of agora) {
      const command = table.get(pid)!.command;
      const entry = command.findIndex((part) => part.endsWith('agora.ts'));
      if (entry < 0) continue;
      const verb = command[entry + 1];
      const name = verb === 'serve' ? command.slice(entry + 2).join('+') : options.topology === 'embedded' ? 'agora' : 'gateway';
      named.push({ name, pids: [pid] });
    }
    for (const name of SERVER_NAMES) {
      const pids = [...servers].filter((pid) => table.get(pid)!.command[0]?.includes(name));
      if (pids.length > 0) named.push({ name, pids });
    }
    return named;
  };
  const processes = (): ShopProcess[] =>
    groups().map(({ name, pids }) => ({ name, pid: pids[0]!, rssMb: pids.reduce((sum, pid) => sum + rssMb(pid), 0), pssMb: pssMb(pids) }));
  return {
    topology: options.topology,
    url: ready.url,
    dataDir,
    readyMs,
    startupMs: ready.startupMs,
    launched,
    processes,
    pss() {
      const { servers, agora } = members();
      return { agoraMb: pssMb(agora), serversMb: pssMb(servers) };
    },
    pids,
    processGroups: () => Object.fromEntries(groups().map(({ name, pids }) => [name, pids])),
    pinTo(cpus) {
      pin(pids(), cpus);
    },
    async stop() {
      const { agora } = members();
      await launched.stop(30_000);
      // npm may exit before the shop it started: wait for each of its processes (a profile is written last).
      await gone(agora, 30_000);
      // A supervisor that did not get to stop its servers leaves them to this.
      await stopServersIn(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bearer token for one of the shop's accounts (the sample customer unless told). */
export async function signIn(url: string, email = 'alice@example.com', password = 'alice-password'): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (response.status !== 200) throw new Error(`sign-in of ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Waits until none of `pids` is alive; what still is after `timeoutMs` is killed. */
async function gone(pids: Set<number>, timeoutMs: number): Promise<void> {
  const alive = () => [...pids].filter((pid) => isAlive(pid));
  const deadline = Date.now() + timeoutMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(50);
  for (const pid of alive()) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
