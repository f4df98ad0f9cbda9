import { flushCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import { ConfigError, rootLogger } from '@agora/chassis';
import { announce, startShop } from './start.ts';

const USAGE = `usage: agora <command>

commands:
  start    run Agora (AGORA_TOPOLOGY=embedded: every service in this process)
`;

async function start(): Promise<void> {
  const startedAt = performance.now();
  const shop = await startShop();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rootLogger().info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      rootLogger().error('graceful shutdown timed out');
      process.exit(1);
    }, shop.config.SHUTDOWN_TIMEOUT_MS);
    await shop.stop();
    clearTimeout(deadline);
    rootLogger().info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Announce only once a stop request would be handled.
  announce(shop, startedAt);
  // Everything is loaded now: write the compile cache at once, even if this process is later killed.
  flushCompileCache();
}

async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true, strict: false });
  switch (positionals[0]) {
    case 'start':
      return start();
    default:
      process.stderr.write(USAGE);
      process.exitCode = positionals[0] ? 2 : 0;
  }
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`agora: ${error.message}\n`);
    process.exit(2);
  }
  rootLogger().fatal({ err: error }, 'agora failed to start');
  process.exit(1);
});
