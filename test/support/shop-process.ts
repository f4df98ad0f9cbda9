import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stopServersIn } from '@agora/infra';

const ROOT = resolve(import.meta.dirname, '../..');
/** The split topology starts PostgreSQL, NATS and seven processes first. */
const startTimeoutMs = (topology: string) => (topology === 'embedded' ? 20_000 : 90_000);

export interface LogLine {
  level: string;
  msg: string;
  service?: string;
  traceId?: string;
  [field: string]: unknown;
}

export interface ShopProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  logs: LogLine[];
  /** Kills without warning (SIGKILL) or asks to stop (SIGTERM); resolves with the exit code. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** Stops the process and removes its data, unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** The topology and saga style under test come from the test run's own environment. */
export function suiteEnv(): Record<string, string> {
  return {
    SAGA_STYLE: process.env.SAGA_STYLE ?? 'choreography',
    AGORA_VERIFY_IDEMPOTENCY: process.env.AGORA_VERIFY_IDEMPOTENCY ?? 'false',
    AGORA_TOPOLOGY: process.env.AGORA_TOPOLOGY ?? 'embedded',
  };
}

/** How to run a command some other way, e.g. inside a network namespace (`ip netns exec …`). */
export type CommandWrapper = (program: string, args: string[]) => [string, string[]];

/** Starts `agora start` as a real process on a free port, with its own data folder. */
export async function launchShop(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'agora-e2e-')), wrap: CommandWrapper = (program, args) => [program, args]): Promise<ShopProcess> {
  // PostgreSQL (split topology) runs as its own user and must reach the data folder.
  chmodSync(dataDir, 0o755);
  const child = spawn(...wrap(process.execPath, [join(ROOT, 'apps/cli/src/agora.ts'), 'start']), {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000', ...suiteEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const timeoutMs = startTimeoutMs(env.AGORA_TOPOLOGY ?? suiteEnv().AGORA_TOPOLOGY!);
  let started = false;
  const url = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new Error(`agora did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as LogLine;
      logs.push(entry);
      // Problems worth reading after a failed run (CI keeps this output).
      if (entry.level === 'error' || entry.level === 'fatal') process.stderr.write(`agora ${entry.level}: ${line}\n`);
      if (entry.msg === 'agora ready') {
        started = true;
        clearTimeout(timer);
        ready(String(entry.url));
      }
    });
    void exited.then((code) => {
      // Exiting later (a test's SIGKILL) is the test's business; only a failed start is cleaned up here.
      if (started) return;
      clearTimeout(timer);
      void stopServersIn(dataDir);
      const errors = logs.filter((entry) => entry.level === 'error' || entry.level === 'fatal').map((entry) => JSON.stringify(entry));
      fail(new Error(`agora exited with ${code} before it was ready: ${stderr}${errors.join('\n')}`));
    });
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    dataDir,
    child,
    logs,
    kill,
    async stop(options = {}) {
      await kill('SIGTERM');
      if (!options.keepData) {
        // After a SIGKILL earlier in the test, the servers the shop started are still running.
        await stopServersIn(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export interface ServiceInstance {
  child: ChildProcess;
  /** The instance's own HTTP address (its /metrics, /readyz). */
  url: string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * One more instance of a service next to a running split shop: `agora serve <service>` on its
 * DATA_DIR (`gateway`: one more gateway, on the PORT given in `env`).
 */
export async function serveInstance(shop: ShopProcess, service: string, env: Record<string, string> = {}, wrap: CommandWrapper = (program, args) => [program, args]): Promise<ServiceInstance> {
  const child = spawn(...wrap(process.execPath, [join(ROOT, 'apps/cli/src/agora.ts'), 'serve', service]), {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: shop.dataDir, LOG_LEVEL: 'info', ...suiteEnv(), AGORA_SEED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`agora serve ${service} did not start: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as LogLine & { instances?: Array<{ port: number }>; url?: string };
      if (entry.msg === 'services ready' || entry.msg === 'gateway ready') {
        clearTimeout(timer);
        ready(entry.url ?? `http://127.0.0.1:${entry.instances![0]!.port}`);
      }
    });
    void exited.then(() => fail(new Error(`agora serve ${service} exited before it was ready: ${stderr}`)));
  });
  return {
    child,
    url,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
