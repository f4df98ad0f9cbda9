import { resolve } from 'node:path';
import { ConfigError, flushTracing, installTracing, rootLogger } from '@agora/chassis';
import { startServiceProcess, type ServiceProcess } from '@agora/chassis/split';
import { services } from '../../../topology.ts';
import { checkConfiguration, eventsOf, resilienceOf } from './configuration.ts';
import { readConnections } from './connections.ts';
import { startGatewayProcess } from './gateway-process.ts';
import type { PlatformConfig } from './platform-config.ts';
import { serviceTokensOf } from './service-auth.ts';
import { reportStartupStep } from './supervised-process.ts';

/** `<SERVICE>_DATABASE_URL`, or `DATABASE_URL` when this process hosts a single service. */
export function databaseUrlOf(service: string, env: NodeJS.ProcessEnv, only: boolean): string | undefined {
  return env[`${service.toUpperCase()}_DATABASE_URL`] ?? (only ? env.DATABASE_URL : undefined);
}

/**
 * The environment of one process of the split topology: a running split shop's connection strings
 * (same DATA_DIR), overridden by the environment, checked.
 */
function serveEnvironment(given: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; config: PlatformConfig; natsUrl: string } {
  const env = { ...readConnections(given.DATA_DIR ?? 'data'), ...given };
  const config = checkConfiguration(env);
  if (config.EVENT_BUS === 'rabbitmq' && !config.RABBITMQ_URL) throw new ConfigError(['RABBITMQ_URL is required by agora serve with EVENT_BUS=rabbitmq']);
  if (!config.NATS_URL) {
    throw new ConfigError(['NATS_URL is required by agora serve (the event bus and service discovery), or a split shop running on the same DATA_DIR']);
  }
  return { env, config, natsUrl: config.NATS_URL };
}

/**
 * `agora serve <service…>`: one process of the split topology, hosting the named services. The
 * supervisor (`agora start` with AGORA_TOPOLOGY=split) runs one per process group; run by hand next
 * to a running split shop (same DATA_DIR), it adds one more instance; on a machine of its own (a
 * container), it runs alone with NATS_URL and DATABASE_URL given.
 */
export async function serve(names: string[], given: NodeJS.ProcessEnv = process.env): Promise<ServiceProcess> {
  const { env, config, natsUrl } = serveEnvironment(given);
  const unknown = names.filter((name) => !services.some((service) => service.name === name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError([`agora serve needs service names from: ${services.map((service) => service.name).join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`]);
  }
  const definitions = services.filter((service) => names.includes(service.name));
  const serviceTokens = serviceTokensOf(config);
  // Each process exports its spans under its own name (agora-orders, agora-catalog+identity, …).
  await installTracing(`agora-${names.join('+')}`, env);
  const started = await startServiceProcess(definitions, {
    natsUrl,
    databaseUrls: Object.fromEntries(names.map((name) => [name, databaseUrlOf(name, env, names.length === 1)])),
    poolSize: config.DB_POOL_SIZE,
    dataDir: resolve(config.DATA_DIR),
    host: config.HOST,
    port: config.SERVICE_PORT,
    advertiseHost: config.ADVERTISE_HOST,
    resilience: resilienceOf(config),
    verifyIdempotency: config.AGORA_VERIFY_IDEMPOTENCY,
    maxDeliver: config.EVENT_MAX_DELIVER,
    consumerConcurrency: config.EVENT_CONCURRENCY,
    seed: config.AGORA_SEED,
    version: config.SERVICE_VERSION,
    serviceTokens,
    events: eventsOf(config, config.RABBITMQ_URL),
    env,
    onStartupStep: reportStartupStep,
  });
  rootLogger().info({ services: names, version: config.SERVICE_VERSION, pid: process.pid, instances: started.runtimes.map((runtime) => runtime.app.server.address()) }, 'services ready');
  return {
    ...started,
    async stop() {
      await started.stop();
      await flushTracing();
    },
  };
}

/**
 * `agora serve gateway`: the gateway as a process of its own (a container, or another gateway next
 * to a running split shop, with another PORT). Its database is GATEWAY_DATABASE_URL or DATABASE_URL.
 */
export async function serveGateway(given: NodeJS.ProcessEnv = process.env): Promise<{ stop(): Promise<void> }> {
  const { env, config, natsUrl } = serveEnvironment(given);
  await installTracing('agora-gateway', env);
  const gateway = await startGatewayProcess(config, env, {
    natsUrl,
    redisUrl: config.REDIS_URL,
    rabbitUrl: config.RABBITMQ_URL,
    databaseUrl: env.GATEWAY_DATABASE_URL ?? env.DATABASE_URL,
  });
  rootLogger().info({ url: gateway.url, pid: process.pid }, 'gateway ready');
  return {
    async stop() {
      await gateway.stop();
      await flushTracing();
    },
  };
}
