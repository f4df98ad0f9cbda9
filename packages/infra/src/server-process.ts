import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isListening } from './ports.ts';

/** Raised when a server's program is not installed; the message names the package that has it. */
export class MissingServerError extends Error {
  constructor(program: string, aptPackage: string) {
    super(`${program} is not installed: apt-get install -y ${aptPackage}`);
    this.name = 'MissingServerError';
  }
}

/** The first of `candidates` that exists, else a clear error naming the apt package. */
export function findProgram(program: string, aptPackage: string, candidates: string[] = []): string {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  throw new MissingServerError(program, aptPackage);
}

export interface RunningServer {
  pid: number;
  port: number;
}

export interface ServerHandle extends RunningServer {
  /** True when this call started the server; false when a live one from an earlier run was reused. */
  started: boolean;
  stop(): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads `server.json` of an earlier run: a server still alive and listening is reused, not started twice. */
export async function liveServer(folder: string): Promise<RunningServer | undefined> {
  const file = join(folder, 'server.json');
  if (!existsSync(file)) return undefined;
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as RunningServer;
  if (isAlive(recorded.pid) && (await isListening(recorded.port))) return recorded;
  rmSync(file, { force: true });
  return undefined;
}

export function recordServer(folder: string, server: RunningServer): void {
  writeFileSync(join(folder, 'server.json'), JSON.stringify(server));
}

/** Root may not run some servers (PostgreSQL refuses); they run as their package's own user. */
export function runAs(user: string, folder: string): { command: (program: string, args: string[]) => [string, string[]] } {
  if (process.getuid?.() !== 0) return { command: (program, args) => [program, args] };
  chownTree(folder, user);
  const reachable = spawnSync('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', 'test', '-w', folder]);
  if (reachable.status !== 0) throw new Error(`${folder} is not reachable by the ${user} user: every folder above it must be searchable (chmod o+x)`);
  // setpriv execs the server itself (no parent left in between), so its pid is the server's.
  return { command: (program, args) => ['setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', program, ...args]] };
}

function chownTree(folder: string, user: string): void {
  const ids = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const groups = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (ids.status !== 0) throw new Error(`user ${user} does not exist (its server package creates it)`);
  const uid = Number(ids.stdout.trim());
  const gid = Number(groups.stdout.trim());
  const walk = (path: string) => {
    chownSync(path, uid, gid);
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(folder);
}

export interface LaunchOptions {
  name: string;
  folder: string;
  port: number;
  command: [string, string[]];
  /** How long the server may take to accept connections. */
  readyTimeoutMs?: number;
}

/**
 * Starts a server detached from this process's group (Ctrl-C reaches Agora, which then stops the
 * servers in order), logs to `<folder>/server.log`, and waits until its port accepts connections.
 */
export async function launch(options: LaunchOptions): Promise<ServerHandle> {
  mkdirSync(options.folder, { recursive: true });
  const log = openSync(join(options.folder, 'server.log'), 'a');
  const [program, args] = options.command;
  const child = spawn(program, args, { stdio: ['ignore', log, log], detached: true });
  child.unref();
  const pid = child.pid!;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await isListening(options.port))) {
    if (exited !== null) throw new Error(`${options.name} exited with ${exited} before it was ready; see ${join(options.folder, 'server.log')}`);
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      throw new Error(`${options.name} did not listen on ${options.port} in time; see ${join(options.folder, 'server.log')}`);
    }
    await sleep(50);
  }
  recordServer(options.folder, { pid, port: options.port });
  return { pid, port: options.port, started: true, stop: () => stopServer(pid, options.folder) };
}

/**
 * SIGTERM (each of these servers shuts down cleanly on it), SIGKILL if it is still there after 10 s.
 * The folder's record wins too: a server restarted in place (after a crash) is the one to stop.
 */
export async function stopServer(pid: number, folder: string): Promise<void> {
  const recorded = (await liveServer(folder))?.pid;
  for (const target of new Set([pid, ...(recorded ? [recorded] : [])])) {
    if (isAlive(target)) process.kill(target, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isAlive(target) && Date.now() < deadline) await sleep(50);
    if (isAlive(target)) process.kill(target, 'SIGKILL');
  }
  rmSync(join(folder, 'server.json'), { force: true });
}

export function reused(server: RunningServer, folder: string): ServerHandle {
  return { ...server, started: false, stop: () => stopServer(server.pid, folder) };
}

/**
 * Stops every server a data folder holds (`<dataDir>/<server>/server.json`): what a supervisor
 * killed without warning left running. The next start would reuse them; a test cleaning up does not.
 */
export async function stopServersIn(dataDir: string): Promise<void> {
  if (!existsSync(dataDir)) return;
  for (const entry of readdirSync(dataDir)) {
    const folder = join(dataDir, entry);
    const running = await liveServer(folder);
    if (running) await stopServer(running.pid, folder);
  }
}
