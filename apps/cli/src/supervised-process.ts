import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@agora/chassis';
import type { StartupStep } from '@agora/chassis/split';

const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 30_000;
/** Up this long, a process counts as healthy again and the next crash restarts it at once. */
const HEALTHY_AFTER_MS = 60_000;
const STOP_GRACE_MS = 15_000;

/** What `agora serve` tells the supervisor that started it, over the IPC channel, as its start goes on. */
interface StartupMessage {
  startupStep: StartupStep;
}

/** Tells the supervisor (when one started this process) a start-up step is done; nothing otherwise. */
export function reportStartupStep(step: StartupStep): void {
  // A supervisor gone meanwhile has nothing to be told: the failed send is dropped, not thrown.
  if (process.send && process.connected) process.send({ startupStep: step } satisfies StartupMessage, () => undefined);
}

/**
 * One service process of the split topology, kept running the way an orchestrator would: a crash
 * is logged and the process started again after a growing pause (so a crash loop does not spin),
 * until `stop()`. Before the shop is up, a crash is reported instead: it is a broken start, not an
 * incident, and restarting would hide it.
 */
export class SupervisedProcess {
  readonly name: string;
  readonly #command: [string, string[]];
  readonly #env: NodeJS.ProcessEnv;
  readonly #logger: Logger;
  #child: ChildProcess;
  #startedAt = Date.now();
  #restartDelay = FIRST_RESTART_MS;
  #restarting = false;
  #stopping = false;
  /** The exit code, while restarts are not yet enabled. */
  exitedEarly: number | null = null;
  /** The last start-up step the current child reported, to name where a start that stalls got to. */
  lastStartupStep: StartupStep | undefined;

  constructor(name: string, command: [string, string[]], env: NodeJS.ProcessEnv, logger: Logger) {
    this.name = name;
    this.#command = command;
    this.#env = env;
    this.#logger = logger;
    this.#child = this.#spawn();
  }

  /** The current child's process id (a restart changes it). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** From now on a crash means a restart. */
  superviseRestarts(): void {
    this.#restarting = true;
  }

  #spawn(): ChildProcess {
    // The service processes log to this terminal; each log line names its service. The IPC channel
    // carries only their start-up steps.
    const child = spawn(this.#command[0], this.#command[1], { env: this.#env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#startedAt = Date.now();
    this.lastStartupStep = undefined;
    child.on('message', (message: Partial<StartupMessage>) => {
      if (message?.startupStep) this.lastStartupStep = message.startupStep;
    });
    child.once('exit', (code, signal) => void this.#exited(code, signal));
    return child;
  }

  async #exited(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.#stopping) return;
    if (!this.#restarting) {
      this.exitedEarly = code ?? 1;
      return;
    }
    if (Date.now() - this.#startedAt > HEALTHY_AFTER_MS) this.#restartDelay = FIRST_RESTART_MS;
    this.#logger.error({ process: this.name, code, signal, restartInMs: this.#restartDelay }, 'service process exited; restarting it');
    await sleep(this.#restartDelay);
    this.#restartDelay = Math.min(this.#restartDelay * 2, MAX_RESTART_MS);
    if (!this.#stopping) this.#child = this.#spawn();
  }

  /** SIGTERM (graceful: the process withdraws from discovery and drains), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(STOP_GRACE_MS).then(() => child.kill('SIGKILL'))]);
  }
}
