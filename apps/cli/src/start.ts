import { resolve } from 'node:path';
import { ConfigError, flushTracing, installTracing, loadConfig, rootLogger, startEmbedded, type EmbeddedSystem } from '@agora/chassis';
import { createGateway, type Gateway } from '@agora/gateway';
import { services } from '../../../topology.ts';
import { PlatformConfigSchema, type PlatformConfig } from './platform-config.ts';

export interface RunningShop {
  url: string;
  config: PlatformConfig;
  system: EmbeddedSystem;
  gateway: Gateway;
  stop(): Promise<void>;
}

const DEMO_ACCOUNTS = [
  { email: 'alice@example.com', password: 'alice-password', role: 'customer' },
  { email: 'admin@example.com', password: 'admin-password', role: 'admin' },
];

/**
 * Checks the platform's settings and every service's before anything starts, so one run reports
 * every bad variable at once (a service's are prefixed with its name).
 */
function checkConfiguration(env: NodeJS.ProcessEnv): PlatformConfig {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, prefix: string): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => prefix + problem));
      return undefined;
    }
  };
  const config = attempt(() => loadConfig(PlatformConfigSchema, env), '');
  for (const service of services) attempt(() => loadConfig(service.config, env), `${service.name}: `);
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}

/** Starts the embedded topology: every service in this process, then the gateway on PORT. */
export async function startShop(env: NodeJS.ProcessEnv = process.env): Promise<RunningShop> {
  const config = checkConfiguration(env);
  if (config.AGORA_TOPOLOGY !== 'embedded') {
    throw new ConfigError([`AGORA_TOPOLOGY=${config.AGORA_TOPOLOGY}: only the embedded topology is available in this build`]);
  }
  await installTracing('agora', env);
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    phases[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };
  const dataDir = resolve(config.DATA_DIR);
  const resilience = {
    timeoutMs: config.CALL_TIMEOUT_MS,
    maxAttempts: config.CALL_MAX_ATTEMPTS,
    breakerThreshold: config.BREAKER_THRESHOLD,
    breakerHalfOpenAfterMs: config.BREAKER_HALF_OPEN_MS,
    bulkheadLimit: config.BULKHEAD_LIMIT,
    bulkheadQueue: config.BULKHEAD_QUEUE,
  };
  const system = await startEmbedded(services, {
    dataDir,
    resilience,
    verifyIdempotency: config.AGORA_VERIFY_IDEMPOTENCY,
    maxDeliver: config.EVENT_MAX_DELIVER,
    consumerConcurrency: config.EVENT_CONCURRENCY,
    seed: config.AGORA_SEED,
    env,
  });
  phase('services');
  const gateway = await createGateway({ config, directory: system.directory, dataDir, resilience, extraRetry: config.AGORA_VERIFY_IDEMPOTENCY });
  phase('gateway');
  const address = await gateway.app.listen({ port: config.PORT, host: config.HOST });
  rootLogger().debug({ phases }, 'start phases');
  const url = address.replace('[::1]', 'localhost');
  return {
    url,
    config,
    system,
    gateway,
    async stop() {
      // Stop taking requests first, then let consumers and relays drain.
      await gateway.stop();
      await system.stop();
      await flushTracing();
    },
  };
}

export function announce(shop: RunningShop, startedAt: number): void {
  const logger = rootLogger();
  logger.info(
    {
      url: shop.url,
      topology: shop.config.AGORA_TOPOLOGY,
      dataDir: resolve(shop.config.DATA_DIR),
      startupMs: Math.round(performance.now() - startedAt),
      demoAccounts: shop.config.AGORA_SEED ? DEMO_ACCOUNTS : [],
    },
    'agora ready',
  );
  if (process.stdout.isTTY) {
    const accounts = shop.config.AGORA_SEED ? DEMO_ACCOUNTS.map((account) => `  ${account.role.padEnd(8)} ${account.email} / ${account.password}`).join('\n') : '  (sample data off)';
    process.stdout.write(`\nAgora is ready at ${shop.url}  (console ${shop.url}/console/, API docs ${shop.url}/docs)\nDemo accounts:\n${accounts}\n\n`);
  }
}
