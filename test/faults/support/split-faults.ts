import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { call } from './http.ts';
import { isAlive, killAndWait, pause, type FaultAction, type FaultHit } from './nemesis.ts';
import { pick, shuffle, type Random } from './random.ts';
import { SERVICES, type Service, type SplitShop } from './split-shop.ts';

/** Added latency per connection to one service: several call deadlines' worth of slow, not dead. */
const LATENCY_MS = { minMs: 300, maxMs: 1_500 };
/** A clock step a host without working time sync can realistically reach before anyone notices. */
const SKEW_S = 30;

/**
 * The live pid of a service's process, as the topology API reports it from discovery; `exclude`
 * leaves out pids already known (one just killed, an instance the test runs itself).
 */
export async function servicePid(baseUrl: string, admin: string, service: string, exclude: number[] = []): Promise<number> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const topology = await call(baseUrl, 'GET', '/api/v1/admin/topology', { token: admin }).catch(() => undefined);
    const node = topology?.body?.nodes?.find((candidate: { id: string }) => candidate.id === service);
    const pid = (node?.instances as Array<{ pid?: number }> | undefined)?.map((instance) => instance.pid).find((candidate) => candidate !== undefined && !exclude.includes(candidate) && isAlive(candidate));
    if (pid) return pid;
    await sleep(200);
  }
  throw new Error(`no live ${service} process in the topology`);
}

/** What `agora_outbox_pending` of an instance says: events committed and not yet on the bus. */
async function outboxPending(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.text(), () => '');
  return text.split('\n').filter((line) => line.startsWith('agora_outbox_pending')).reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** Whether the gateway finds the service in discovery, may call it, and hears it is ready. */
async function readyInGatewayView(baseUrl: string, admin: string, service: string): Promise<boolean> {
  const reply = await call(baseUrl, 'GET', '/api/v1/admin/services', { token: admin, deadlineMs: 3_000 }).catch(() => undefined);
  return (reply?.body?.items as Array<{ service: string; ready: boolean }> | undefined)?.find((item) => item.service === service)?.ready === true;
}

/** What the launcher recorded about a server it started in the data folder. */
function serverOf(dataDir: string, name: string): { pid: number; port: number } {
  return JSON.parse(readFileSync(join(dataDir, name, 'server.json'), 'utf8')) as { pid: number; port: number };
}

/**
 * The split nemesis: service processes killed (each service in turn, and both inventory instances
 * at once) or paused; NATS and PostgreSQL killed and started again; calls to one service slowed or
 * reset by the fault proxy; one service cut off from the broker; one service's clock stepped.
 */
export function splitFaults(split: SplitShop, admin: () => string): Record<string, FaultAction> {
  const ownPids = () => (split.secondInventory?.child.pid ? [split.secondInventory.child.pid] : []);
  const supervisedPid = (service: Service, exclude: number[] = []) => servicePid(split.url, admin(), service, [...ownPids(), ...exclude]);
  // Every service once, in a drawn order, before any twice.
  let killOrder: Service[] = [];
  const nextToKill = (random: Random): Service => {
    if (killOrder.length === 0) killOrder = shuffle(random, SERVICES);
    return killOrder.shift()!;
  };
  const holding = async (holdMs: number, hit: FaultHit, inject: () => void, heal: () => void): Promise<FaultHit> => {
    inject();
    try {
      await sleep(holdMs);
    } finally {
      heal();
    }
    return hit;
  };

  return {
    // The supervisor starts it again; healed once a new process has registered.
    'kill-service': async (_holdMs, random) => {
      const service = nextToKill(random);
      const pid = await supervisedPid(service);
      await killAndWait(pid);
      await supervisedPid(service, [pid]);
      return { target: `${service} pid ${pid}`, services: [service] };
    },
    // The supervisor restarts its instance; the test restarts its own, on the same port.
    'kill-inventory-both': async () => {
      if (!split.secondInventory) throw new Error('kill-inventory-both needs the second inventory instance');
      const supervised = await supervisedPid('inventory');
      const own = split.secondInventory.child.pid!;
      await Promise.all([killAndWait(supervised), split.secondInventory.kill('SIGKILL')]);
      await Promise.all([split.startSecondInventory(), supervisedPid('inventory', [supervised])]);
      return { target: `inventory pids ${supervised} and ${own}`, services: ['inventory'] };
    },
    // Longer than the call deadline (CALL_TIMEOUT_MS, 2 s): callers time out on a live process.
    'pause-service': async (holdMs, random) => {
      const service = pick(random, SERVICES);
      const pid = await supervisedPid(service);
      await pause(pid, holdMs);
      return { target: `${service} pid ${pid}`, services: [service] };
    },
    'restart-nats': async (holdMs) => {
      const nats = serverOf(split.dataDir, 'nats');
      await killAndWait(nats.pid);
      await sleep(holdMs);
      await split.namespace.startServer('nats', split.dataDir, nats.port);
      return { target: `nats pid ${nats.pid}`, services: [...SERVICES] };
    },
    'restart-postgres': async (holdMs) => {
      const postgres = serverOf(split.dataDir, 'postgres');
      await killAndWait(postgres.pid);
      await sleep(holdMs);
      await split.namespace.startServer('postgres', split.dataDir, postgres.port);
      return { target: `postgres pid ${postgres.pid}`, services: [...SERVICES] };
    },
    latency: (holdMs, random) => {
      const service = pick(random, SERVICES);
      return holding(holdMs, { target: `calls to ${service} +${LATENCY_MS.minMs}–${LATENCY_MS.maxMs} ms`, services: [service] }, () => split.proxy.toxic(service, { kind: 'latency', ...LATENCY_MS }), () => split.proxy.toxic(service, undefined));
    },
    reset: (holdMs, random) => {
      const service = pick(random, SERVICES);
      return holding(holdMs, { target: `connections to ${service}`, services: [service] }, () => split.proxy.toxic(service, { kind: 'reset' }), () => split.proxy.toxic(service, undefined));
    },
    // nftables drops both ways between the service and the broker; the outbox it piles up meanwhile is kept.
    partition: async (holdMs, random) => {
      const service = pick(random, SERVICES);
      const urls = split.instances.filter((instance) => instance.service === service).map((instance) => split.directUrl(instance.port));
      let peak = 0;
      const hit: FaultHit = { target: `${service} from the broker`, services: [service], observed: {} };
      split.namespace.partition(service);
      try {
        const until = Date.now() + holdMs;
        while (Date.now() < until) {
          peak = Math.max(peak, ...(await Promise.all(urls.map(outboxPending))));
          await sleep(Math.min(500, Math.max(0, until - Date.now())));
        }
      } finally {
        split.namespace.heal();
      }
      hit.observed = { outboxPeak: peak };
      return hit;
    },
    // libfaketime re-reads the service's clock file each second; timers keep true time. Meanwhile
    // the gateway's view (discovery, service tokens, /readyz) is sampled: a tolerated skew leaves it ready.
    skew: async (holdMs, random) => {
      const service = pick(random, SERVICES);
      const offset = random() < 0.5 ? -SKEW_S : SKEW_S;
      let notReady = 0;
      split.setClock(service, offset);
      try {
        const until = Date.now() + holdMs;
        while (Date.now() < until) {
          if (!(await readyInGatewayView(split.url, admin(), service))) notReady++;
          await sleep(Math.min(500, Math.max(0, until - Date.now())));
        }
      } finally {
        split.setClock(service, 0);
      }
      return { target: `${service} clock ${offset > 0 ? '+' : ''}${offset} s`, services: [service], observed: { notReadyInGatewayView: notReady } };
    },
  };
}
