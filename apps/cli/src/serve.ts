import { resolve } from 'node:path';
import { ConfigError, flushTracing, installTracing, rootLogger } from '@agora/chassis';
import { startServiceProcess, type ServiceProcess } from '@agora/chassis/split';
import { services } from '../../../topology.ts';
import { checkConfiguration, eventsOf, resilienceOf } from './configuration.ts';
import { readConnections } from './connections.ts';

/** `<SERVICE>_DATABASE_URL`, or `DATABASE_URL` when this process hosts a single service. */
export function databaseUrlOf(service: string, env: NodeJS.ProcessEnv, only: boolean): string | undefined {
  return env[`${service.toUpperCase()}_DATABASE_URL`] ?? (only ? env.DATABASE_URL : undefined);
}

/**
 * `agora serve <service…>`: one process of the split topology, hosting the named services. The
 * supervisor (`agora start` with AGORA_TOPOLOGY=split) runs one per process group; run by hand next
 * to a running split shop (same DATA_DIR), it adds one more instance; on a machine of its own (a
 * container), it runs alone with NATS_URL and DATABASE_URL given.
 */
export async function serve(names: string[], given: NodeJS.ProcessEnv = process.env): Promise<ServiceProcess> {
  const env = { ...readConnections(given.DATA_DIR ?? 'data'), ...given };
  const config = checkConfiguration(env);
  const unknown = names.filter((name) => !services.some((service) => service.name === name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError([`agora serve needs service names from: ${services.map((service) => service.name).join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`]);
  }
  if (config.EVENT_BUS === 'rabbitmq' && !config.RABBITMQ_URL) throw new ConfigError(['RABBITMQ_URL is required by agora serve with EVENT_BUS=rabbitmq']);
  if (!config.NATS_URL) {
    throw new ConfigError(['NATS_URL is required by agora serve (the event bus and service discovery), or a split shop running on the same DATA_DIR']);
  }
  const definitions = services.filter((service) => names.includes(service.name));
  // Each process exports its spans under its own name (agora-orders, agora-catalog+identity, …).
  await installTracing(`agora-${names.join('+')}`, env);
  const started = await startServiceProcess(definitions, {
    natsUrl: config.NATS_URL,
    databaseUrls: Object.fromEntries(names.map((name) => [name, databaseUrlOf(name, env, names.length === 1)])),
    poolSize: config.DB_POOL_SIZE,
    dataDir: resolve(config.DATA_DIR),
    host: config.HOST,
    resilience: resilienceOf(config),
    verifyIdempotency: config.AGORA_VERIFY_IDEMPOTENCY,
    maxDeliver: config.EVENT_MAX_DELIVER,
    consumerConcurrency: config.EVENT_CONCURRENCY,
    seed: config.AGORA_SEED,
    version: config.SERVICE_VERSION,
    events: eventsOf(config, config.RABBITMQ_URL),
    env,
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
