import { resolve } from 'node:path';
import { flushTracing, installTracing, rootLogger, startEmbedded } from '@agora/chassis';
import { createGateway } from '@agora/gateway';
import { services } from '../../../topology.ts';
import { checkConfiguration, resilienceOf } from './configuration.ts';
import { embeddedControl } from './embedded-control.ts';
import type { RunningShop } from './running-shop.ts';

export type { RunningShop };

export const DEMO_ACCOUNTS = [
  { email: 'alice@example.com', password: 'alice-password', role: 'customer' },
  { email: 'admin@example.com', password: 'admin-password', role: 'admin' },
];

/** Starts the shop: in the embedded topology every service in this process, then the gateway on PORT. */
export async function startShop(env: NodeJS.ProcessEnv = process.env): Promise<RunningShop> {
  const config = checkConfiguration(env);
  if (config.AGORA_TOPOLOGY !== 'embedded') {
    // Loaded only here: the embedded start never pays for the NATS and PostgreSQL clients.
    const { startSplit } = await import('./start-split.ts');
    return startSplit(config, env);
  }
  await installTracing('agora', env);
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    phases[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };
  const dataDir = resolve(config.DATA_DIR);
  const resilience = resilienceOf(config);
  const system = await startEmbedded(services, {
    dataDir,
    resilience,
    verifyIdempotency: config.AGORA_VERIFY_IDEMPOTENCY,
    maxDeliver: config.EVENT_MAX_DELIVER,
    consumerConcurrency: config.EVENT_CONCURRENCY,
    seed: config.AGORA_SEED,
    version: config.SERVICE_VERSION,
    env,
  });
  phase('services');
  // The services' bus, read for what waits on it per service (no Redis here, so nothing subscribes to it).
  const gateway = await createGateway({ config, directory: system.directory, dataDir, bus: system.bus, resilience, extraRetry: config.AGORA_VERIFY_IDEMPOTENCY, control: embeddedControl(system) });
  phase('gateway');
  const address = await gateway.app.listen({ port: config.PORT, host: config.HOST });
  rootLogger().debug({ phases }, 'start phases');
  const url = address.replace('[::1]', 'localhost');
  return {
    url,
    config,
    system,
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
      // Which code runs: the server bundle (apps/cli/dist) or the TypeScript sources.
      code: import.meta.url.endsWith('.mjs') ? 'bundle' : 'sources',
      demoAccounts: shop.config.AGORA_SEED ? DEMO_ACCOUNTS : [],
    },
    'agora ready',
  );
  if (process.stdout.isTTY) {
    const accounts = shop.config.AGORA_SEED ? DEMO_ACCOUNTS.map((account) => `  ${account.role.padEnd(8)} ${account.email} / ${account.password}`).join('\n') : '  (sample data off)';
    process.stdout.write(`\nAgora is ready at ${shop.url}  (console ${shop.url}/console/, API docs ${shop.url}/docs)\nDemo accounts:\n${accounts}\n\n`);
  }
}
