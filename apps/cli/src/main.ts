import { flushCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import { ConfigError, rootLogger } from '@agora/chassis';
import { announce, startShop } from './start.ts';
import { buildConsoleIfStale } from './console-build.ts';

const USAGE = `usage: agora <command>

commands:
  start               run Agora (AGORA_TOPOLOGY=embedded: every service in this process;
                      split or mixed: PostgreSQL, NATS and a process per group of services)
  serve <service…>    run some services as one process of the split topology (NATS_URL and
                      <SERVICE>_DATABASE_URL or DATABASE_URL from the environment); no names:
                      the comma-separated AGORA_SERVICE (a container image's service)
  serve gateway       run the gateway as a process of its own (NATS_URL, REDIS_URL, PORT)
  load --rate <ops/s> [--duration <s>] [--url <gateway>]
                      drive a running shop with a shop's mix of traffic (browse, sign in,
                      checkouts, declined cards, sold-out products, order polling, cancels) as
                      generated customers, for 30 s by default; prints the counts at the end
  chaos <service> (--latency <ms> --errors <0..1> | --stop | --start)
        [--url <gateway>] [--token <admin token> | --email <e> --password <p>]
                      inject faults into a service, or stop / start it (default sign-in: the
                      demo admin); --url defaults to http://127.0.0.1:$PORT (8080)
  build --artifact <name> --version <v> [--source <dir>]
                      an immutable, runnable artifact of one service (and its container image
                      when a container engine works here)
  publish --artifact <name> --version <v> --environment <env>
                      into the environment's artifact repository (local) or image registry
  deploy --artifact <name> --version <v> --environment <env>
                      local: a rolling deploy with a canary, gated on readiness and error rate,
                      rolled back automatically; kubernetes: apply and wait for the rollout
  status [--environment <env>]
                      processes, instances, releases and traffic splits of a local environment

environments live in deploy/environments.yaml (or the file AGORA_ENVIRONMENTS names)
`;

/** Calls `gone` once the process that started this one has exited; returns what stops watching. */
function whenParentGone(gone: () => void): () => void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    gone();
  }, 1_000);
  watch.unref();
  return () => clearInterval(watch);
}

/**
 * A service process stops with its supervisor. While it starts there is nothing to drain, so a
 * parent gone then (a supervisor killed while its children were still starting, one stuck waiting
 * for a broker) ends it at once; once it serves, it drains first.
 */
async function serveCommand(given: string[]): Promise<void> {
  const stopWatchingStart = whenParentGone(() => process.exit(1));
  const { serve, serveGateway } = await import('./serve.ts');
  const names = given.length > 0 ? given : (process.env.AGORA_SERVICE ?? '').split(',').filter(Boolean);
  const hosted = names.length === 1 && names[0] === 'gateway' ? await serveGateway() : await serve(names);
  stopWatchingStart();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => process.exit(1), 15_000);
    await hosted.stop();
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  whenParentGone(() => void stop());
}

/** The delivery and operator commands run once and exit with their status; a mistake is one line, not a stack. */
async function deliveryCommand(command: string, args: string[]): Promise<void> {
  let code: number;
  try {
    const run = await oneShot(command);
    code = await run(args);
  } catch (error) {
    process.stderr.write(`agora ${command}: ${(error as Error).message}\n`);
    code = 2;
  }
  // A one-shot command is done here, whatever client sockets are still winding down.
  process.stdout.write('', () => process.exit(code));
}

async function oneShot(command: string): Promise<(args: string[]) => number | Promise<number>> {
  if (command === 'load') return (await import('./operate/load-command.ts')).loadCommand;
  if (command === 'chaos') return (await import('./operate/chaos-command.ts')).chaosCommand;
  const { buildCommand, deployCommand, publishCommand, statusCommand } = await import('./deploy/commands.ts');
  return { build: buildCommand, publish: publishCommand, deploy: deployCommand, status: statusCommand }[command as 'build'];
}

async function start(): Promise<void> {
  const startedAt = performance.now();
  const built = buildConsoleIfStale();
  if (built !== 0) throw new Error(`the console build failed (exit ${built}); see above`);
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
    case 'serve':
      return serveCommand(positionals.slice(1));
    case 'build':
    case 'publish':
    case 'deploy':
    case 'status':
    case 'load':
    case 'chaos':
      return deliveryCommand(positionals[0], process.argv.slice(process.argv.indexOf(positionals[0]) + 1));
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
