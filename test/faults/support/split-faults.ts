import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, startPostgres } from '@agora/infra';
import type { ShopProcess } from '../../support/shop-process.ts';
import { call } from './http.ts';
import { isAlive, killAndWait, pause, type FaultAction } from './nemesis.ts';
import { pick } from './random.ts';

/** Services whose process the nemesis may kill or pause (the gateway runs in the supervisor itself). */
export const SERVICES = ['identity', 'catalog', 'orders', 'inventory', 'payments', 'shipping'] as const;

/** The live pid of a service's process, as the topology API reports it from discovery. */
export async function servicePid(shop: ShopProcess, admin: string, service: string, other = 0): Promise<number> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const topology = await call(shop.url, 'GET', '/api/v1/admin/topology', { token: admin }).catch(() => undefined);
    const node = topology?.body?.nodes?.find((candidate: { id: string }) => candidate.id === service);
    const pid = (node?.instances as Array<{ pid: number }> | undefined)?.map((instance) => instance.pid).find((candidate) => candidate !== other && isAlive(candidate));
    if (pid) return pid;
    await sleep(200);
  }
  throw new Error(`no live ${service} process in the topology`);
}

/** What the launcher recorded about a server it started in the data folder. */
function serverOf(shop: ShopProcess, name: string): { pid: number; port: number } {
  return JSON.parse(readFileSync(join(shop.dataDir, name, 'server.json'), 'utf8')) as { pid: number; port: number };
}

/** The split nemesis: service processes killed or paused, NATS and PostgreSQL killed and started again. */
export function splitFaults(shop: ShopProcess, admin: () => string): Record<string, FaultAction> {
  return {
    // The supervisor starts it again; healed once a new process has registered.
    'kill-service': async (_holdMs, random) => {
      const service = pick(random, SERVICES);
      const pid = await servicePid(shop, admin(), service);
      await killAndWait(pid);
      await servicePid(shop, admin(), service, pid);
      return `${service} pid ${pid}`;
    },
    // Longer than the call deadline (CALL_TIMEOUT_MS, 2 s): callers time out on a live process.
    'pause-service': async (holdMs, random) => {
      const service = pick(random, SERVICES);
      const pid = await servicePid(shop, admin(), service);
      await pause(pid, holdMs);
      return `${service} pid ${pid}`;
    },
    'restart-nats': async (holdMs) => {
      const nats = serverOf(shop, 'nats');
      await killAndWait(nats.pid);
      await sleep(holdMs);
      await startNats(shop.dataDir, { port: nats.port });
      return `nats pid ${nats.pid}`;
    },
    'restart-postgres': async (holdMs) => {
      const postgres = serverOf(shop, 'postgres');
      await killAndWait(postgres.pid);
      await sleep(holdMs);
      await startPostgres(shop.dataDir, { port: postgres.port });
      return `postgres pid ${postgres.pid}`;
    },
  };
}
