import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { flushTracing, installTracing, rootLogger } from '@agora/chassis';
import { ServiceRegistry } from '@agora/chassis/split';
import { startMariaDb, startNats, startPostgres, startRabbitMq, startRedis, type LocalMariaDb, type LocalPostgres, type ServerHandle } from '@agora/infra';
import { topologies } from '../../../topology.ts';
import { startGatewayProcess } from './gateway-process.ts';
import type { PlatformConfig } from './platform-config.ts';
import { removeConnections, writeConnections } from './connections.ts';
import type { RunningShop } from './running-shop.ts';
import { CHECKOUT } from './checkout-root.ts';
import { startControlServer } from './control/control-server.ts';
import { deploymentKeyOf } from './service-auth.ts';
import { ProcessControl } from './control/process-control.ts';
import { ProcessTable } from './control/process-table.ts';
const READY_TIMEOUT_MS = 60_000;

/**
 * Connection strings from the environment, else a local server: NATS JetStream, Redis, RabbitMQ
 * when it is the bus, and a database per service (and one for the gateway) on PostgreSQL, or on
 * MariaDB for the services AGORA_MARIADB_SERVICES names. Returns what it started, to stop it again.
 */
async function provision(config: PlatformConfig, env: NodeJS.ProcessEnv, names: string[]) {
  const dataDir = resolve(config.DATA_DIR);
  const servers: ServerHandle[] = [];
  const started = async <T extends ServerHandle>(server: Promise<T>): Promise<T> => {
    const handle = await server;
    servers.push(handle);
    return handle;
  };
  try {
    const natsUrl = config.NATS_URL ?? (await started(startNats(dataDir))).url;
    const redisUrl = config.REDIS_URL ?? (await started(startRedis(dataDir))).url;
    const rabbitUrl = config.EVENT_BUS === 'rabbitmq' ? (config.RABBITMQ_URL ?? (await started(startRabbitMq(dataDir))).url) : undefined;
    // Polyglot persistence: the same service code on MariaDB instead of PostgreSQL. Each engine's
    // server starts once, when the first service needs it.
    const onMariaDb = new Set(config.AGORA_MARIADB_SERVICES.split(',').map((name) => name.trim()));
    const engines = new Map<string, Promise<LocalPostgres | LocalMariaDb>>();
    const engineFor = (name: string) => {
      const engine = onMariaDb.has(name) ? 'mariadb' : 'postgres';
      if (!engines.has(engine)) engines.set(engine, started(engine === 'mariadb' ? startMariaDb(dataDir) : startPostgres(dataDir)));
      return engines.get(engine)!;
    };
    const databaseUrls: Record<string, string> = {};
    for (const name of names) {
      const given = env[`${name.toUpperCase()}_DATABASE_URL`];
      if (given) {
        databaseUrls[name] = given;
        continue;
      }
      const server = await engineFor(name);
      await server.ensureDatabase(name);
      databaseUrls[name] = server.url(name);
    }
    return { natsUrl, redisUrl, rabbitUrl, databaseUrls, servers };
  } catch (error) {
    // Nothing half-provisioned stays behind.
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    throw error;
  }
}

/** How far the process hosting `service` got in its start, as it reported (`agora serve`). */
function startupProgress(table: ProcessTable, service: string): string {
  const last = table.list().find((info) => info.services.includes(service))?.lastStartupStep;
  if (!last) return 'no start-up step reported yet';
  return `last start-up step: "${last.step}"${last.service ? ` of ${last.service}` : ''}, ${(last.ms / 1000).toFixed(1)} s after its process started`;
}

/**
 * The split topology under one supervisor: the servers, then a process per group of services
 * (`topology.ts`), each registering in discovery, then the gateway in this process once every
 * service has a live instance. Ctrl-C stops it all in reverse order.
 */
export async function startSplit(config: PlatformConfig, env: NodeJS.ProcessEnv): Promise<RunningShop> {
  await installTracing('agora', env);
  const logger = rootLogger();
  const groups = topologies[config.AGORA_TOPOLOGY];
  const hosted = groups.flatMap((group) => group.services);
  // One signing key per deployment, to every process through its environment (SERVICE_AUTH=token).
  const serviceTokenKey = deploymentKeyOf(config);
  const { natsUrl, redisUrl, rabbitUrl, databaseUrls, servers } = await provision(config, env, [...hosted, 'gateway']);
  const connections: Record<string, string> = {
    NATS_URL: natsUrl,
    REDIS_URL: redisUrl,
    ...(rabbitUrl ? { RABBITMQ_URL: rabbitUrl } : {}),
    ...(serviceTokenKey ? { SERVICE_TOKEN_KEY: serviceTokenKey } : {}),
    ...Object.fromEntries(Object.entries(databaseUrls).map(([name, url]) => [`${name.toUpperCase()}_DATABASE_URL`, url])),
  };
  // `agora serve <service>` started by hand later joins this shop through these (one more instance).
  writeConnections(config.DATA_DIR, connections);
  const childEnv: NodeJS.ProcessEnv = { ...env, ...connections };
  const table = new ProcessTable(childEnv, logger);
  for (const group of groups.filter((each) => each.services.length > 0)) {
    table.start({ services: [...group.services], version: config.SERVICE_VERSION, root: CHECKOUT });
  }
  const registry = await ServiceRegistry.connect({ natsUrl, logger });
  let control: { close(): Promise<void> } | undefined;
  const stopAll = async () => {
    await control?.close();
    await table.stopAll();
    await registry.close();
    for (const server of servers.reverse()) await server.stop();
    removeConnections(config.DATA_DIR);
  };
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!hosted.every((name) => registry.instances(name).length > 0)) {
      const dead = table.firstExited();
      if (dead) throw new Error(`process ${dead.id} exited with ${dead.exitCode} before it was ready`);
      if (Date.now() > deadline) {
        const missing = hosted.filter((name) => registry.instances(name).length === 0);
        throw new Error(`services not ready in ${READY_TIMEOUT_MS / 1000} s: ${missing.map((name) => `${name} (${startupProgress(table, name)})`).join(', ')}`);
      }
      await sleep(50);
    }
    for (const { id } of table.list()) table.supervise(id);
    // `agora deploy` and `agora status` reach this supervisor through its data folder.
    control = await startControlServer(config.DATA_DIR, table);
    const serviceControl = new ProcessControl(table, registry);
    const gateway = await startGatewayProcess({ ...config, SERVICE_TOKEN_KEY: serviceTokenKey }, env, { natsUrl, redisUrl, rabbitUrl, databaseUrl: databaseUrls.gateway, registry, control: serviceControl });
    return {
      url: gateway.url,
      config,
      async stop() {
        await gateway.stop();
        await stopAll();
        await flushTracing();
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
