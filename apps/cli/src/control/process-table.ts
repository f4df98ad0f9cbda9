import { join } from 'node:path';
import type { Logger } from '@agora/chassis';
import type { StartupStep } from '@agora/chassis/split';
import { SupervisedProcess } from '../supervised-process.ts';
import { serviceEnvOf } from './service-env.ts';
import { NODE_FLAGS } from '../node-flags.ts';

/** What runs one process: which services, which release, from which source tree. */
export interface ProcessSpec {
  services: string[];
  version: string;
  /** The tree `agora serve` runs from: this checkout, or a published artifact's folder. */
  root: string;
}

export interface ProcessInfo extends ProcessSpec {
  id: string;
  pid: number | undefined;
  /** `running`, or `exited` with its code while it is not yet supervised (a start that failed). */
  state: 'running' | 'exited';
  exitCode: number | null;
  supervised: boolean;
  startedAt: string;
  /** The last start-up step its current child reported: where a start that stalls got to. */
  lastStartupStep?: StartupStep;
}

interface Entry {
  spec: ProcessSpec;
  process: SupervisedProcess;
  supervised: boolean;
  startedAt: Date;
}

/**
 * The service processes a split supervisor runs, changeable while it runs: a rolling deploy starts
 * processes of the new release, supervises them once they pass their gate, and stops the old ones.
 */
export class ProcessTable {
  readonly #entries = new Map<string, Entry>();
  readonly #env: NodeJS.ProcessEnv;
  readonly #logger: Logger;
  #sequence = 0;

  constructor(env: NodeJS.ProcessEnv, logger: Logger) {
    this.#env = env;
    this.#logger = logger;
  }

  start(spec: ProcessSpec): ProcessInfo {
    const id = `${spec.services.join('+')}-${++this.#sequence}`;
    const command: [string, string[]] = [process.execPath, [...NODE_FLAGS, join(spec.root, 'apps', 'cli', 'src', 'agora.ts'), 'serve', ...spec.services]];
    const child = new SupervisedProcess(id, command, { ...this.#env, ...compileCacheEnv(), ...serviceEnvOf(spec.services, this.#env), SERVICE_VERSION: spec.version }, this.#logger);
    this.#entries.set(id, { spec, process: child, supervised: false, startedAt: new Date() });
    return this.#info(id)!;
  }

  /** From now on a crash of this process means a restart. */
  supervise(id: string): ProcessInfo | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    entry.process.superviseRestarts();
    entry.supervised = true;
    return this.#info(id);
  }

  /** A process that exited before it was supervised stays listed (with its code) until stopped. */
  firstExited(): ProcessInfo | undefined {
    return this.list().find((info) => info.state === 'exited');
  }

  /** Graceful stop (SIGTERM, drain), and the process leaves the table. */
  async stop(id: string): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#entries.delete(id);
    await entry.process.stop();
    return true;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((id) => this.stop(id)));
  }

  list(): ProcessInfo[] {
    return [...this.#entries.keys()].map((id) => this.#info(id)!);
  }

  #info(id: string): ProcessInfo | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    const exitCode = entry.process.exitedEarly;
    return {
      id,
      ...entry.spec,
      pid: entry.process.pid,
      state: exitCode === null ? 'running' : 'exited',
      exitCode,
      supervised: entry.supervised,
      startedAt: entry.startedAt.toISOString(),
      lastStartupStep: entry.process.lastStartupStep,
    };
  }
}

/**
 * A child uses the supervisor's compile cache (agora.ts keeps it in the environment) from its first
 * file on: the variable, unlike a call in the entry file, takes effect before Node strips that
 * file's types.
 */
function compileCacheEnv(): NodeJS.ProcessEnv {
  const directory = process.env.NODE_COMPILE_CACHE;
  return directory ? { NODE_COMPILE_CACHE: directory } : {};
}
