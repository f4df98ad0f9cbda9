// Every process the benchmark starts goes through here: pinned to its CPUs, tracked, and stopped at
// the end even when a row fails or the run is interrupted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;

/**
 * Where things run on this machine: servers on CPU 0, the load generator (and this harness) on
 * CPU 1. With fewer than two CPUs or without `taskset`, nothing is pinned and the table says so.
 */
export const placement = hasTaskset && availableParallelism() >= 2 ? { servers: '0', load: '1', all: `0-${availableParallelism() - 1}` } : undefined;

export interface Launched {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string | null>;
  /** Lines the process writes to stdout from now on, until the returned function is called. */
  onLine(listener: (line: string) => void): () => void;
  /** The last lines of its stderr, for error messages. */
  tail(): string;
  stop(timeoutMs?: number): Promise<void>;
}

const running = new Set<Launched>();

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A `taskset` CPU list; unset: inherit this process's CPUs. */
  cpus?: string;
  /** stderr goes to this file as well as into the tail kept for errors. */
  logFile?: string;
  /**
   * stdout goes straight to this file instead of through this process: a shop logging a line per
   * event under load would otherwise cost the harness (on the load generator's CPU) to read it.
   */
  stdoutFile?: string;
}

/** Starts a process in its own process group (so stopping it stops whatever it started in that group). */
export function launch(name: string, command: string, args: string[], options: LaunchOptions = {}): Launched {
  const [program, argv] = options.cpus && placement ? ['taskset', ['-c', options.cpus, command, ...args]] : [command, args];
  let log = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'a') : 'pipe';
  const child = spawn(program, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', stdout, 'pipe'], detached: true });
  if (typeof stdout === 'number') closeSync(stdout);
  const tailLines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  let follow: (() => void) | undefined;
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      for (const listener of listeners) listener(line);
    });
  } else {
    follow = fileFollower(options.stdoutFile!, listeners, () => child.exitCode !== null || child.signalCode !== null);
  }
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tailLines.push(line);
    if (tailLines.length > 40) tailLines.shift();
    // Synchronous, so the log is whole when a process dies mid-run.
    if (log !== undefined) writeSync(log, `${line}\n`);
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(launched);
      if (log !== undefined) closeSync(log);
      log = undefined;
      resolve(code ?? signal);
    }),
  );
  const launched: Launched = {
    name,
    pid: child.pid!,
    child,
    exited,
    onLine: (listener) => {
      listeners.push(listener);
      follow?.();
      return () => {
        const at = listeners.indexOf(listener);
        if (at >= 0) listeners.splice(at, 1);
      };
    },
    tail: () => tailLines.join('\n'),
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child.pid!, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)))]);
      // A pending timer would keep the harness alive after everything stopped.
      clearTimeout(timer);
      if (!done) {
        signalGroup(child.pid!, 'SIGKILL');
        await exited;
      }
    },
  };
  running.add(launched);
  return launched;
}

/**
 * Hands the lines a process appends to a file to the listeners, read while any are waiting (not
 * for the rest of the process's life). Returns what starts following when a listener arrives.
 */
function fileFollower(file: string, listeners: Array<(line: string) => void>, gone: () => boolean): () => void {
  // Only what this process writes: the file may hold earlier lines.
  let offset = statSync(file).size;
  let partial = '';
  let following = false;
  const readNew = () => {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (let read = readSync(fd, buffer, 0, buffer.length, offset); read > 0; read = readSync(fd, buffer, 0, buffer.length, offset)) {
        offset += read;
        const lines = (partial + buffer.subarray(0, read).toString('utf8')).split('\n');
        partial = lines.pop()!;
        for (const line of lines) for (const listener of [...listeners]) listener(line);
      }
    } finally {
      closeSync(fd);
    }
  };
  return () => {
    if (following) return;
    following = true;
    void (async () => {
      while (listeners.length > 0 && !gone()) {
        readNew();
        await sleep(10);
      }
      following = false;
    })();
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Waits for the first stdout line that `match` accepts; fails on exit or timeout with the stderr tail. */
export function waitForLine<T>(launched: Launched, match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`${launched.name}: not ready in ${timeoutMs / 1000} s\n${launched.tail()}`))), timeoutMs);
    const unsubscribe = launched.onLine((line) => {
      const value = match(line);
      if (value !== undefined) finish(() => resolve(value));
    });
    void launched.exited.then((code) => finish(() => reject(new Error(`${launched.name} exited (${code}) before it was ready\n${launched.tail()}`))));
  });
}

/** Stops everything still running, in reverse start order. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].reverse().map((launched) => launched.stop().catch(() => undefined)));
}

/** Last resort on a hard exit: no process outlives the harness. */
process.once('exit', () => {
  for (const launched of running) signalGroup(launched.pid, 'SIGKILL');
});
