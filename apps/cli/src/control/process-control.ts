import { setTimeout as sleep } from 'node:timers/promises';
import { problems } from '@agora/chassis';
import type { ServiceRegistry } from '@agora/chassis/split';
import type { ControlOutcome, ServiceControl } from '@agora/gateway';
import type { ProcessSpec, ProcessTable } from './process-table.ts';

const READY_TIMEOUT_MS = 60_000;

/**
 * Stopping and starting services of the split topology for operators: a stop really stops the
 * processes hosting the service (SIGTERM through the table: they withdraw from discovery and
 * drain), every service they host with them; a start runs them again from the same spec and
 * supervises them once each of their services has registered. One order at a time.
 */
export class ProcessControl implements ServiceControl {
  readonly #table: ProcessTable;
  readonly #registry: ServiceRegistry;
  readonly #stopped: Array<{ id: string; spec: ProcessSpec }> = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(table: ProcessTable, registry: ServiceRegistry) {
    this.#table = table;
    this.#registry = registry;
  }

  stopped(): string[] {
    return [...new Set(this.#stopped.flatMap((entry) => entry.spec.services))];
  }

  stop(service: string): Promise<ControlOutcome> {
    return this.#serially(async () => {
      if (this.stopped().includes(service)) throw problems.conflict(`${service} is stopped already`);
      const hosting = this.#table.list().filter((info) => info.services.includes(service));
      if (hosting.length === 0) throw problems.conflict(`no process of this supervisor runs ${service}`);
      await Promise.all(hosting.map((info) => this.#table.stop(info.id)));
      this.#stopped.push(...hosting.map(({ id, services, version, root }) => ({ id, spec: { services, version, root } })));
      return { processes: hosting.map((info) => info.id), services: [...new Set(hosting.flatMap((info) => info.services))] };
    });
  }

  start(service: string): Promise<ControlOutcome> {
    return this.#serially(async () => {
      const entries = this.#stopped.filter((entry) => entry.spec.services.includes(service));
      if (entries.length === 0) throw problems.conflict(`${service} is running already`);
      const started = entries.map((entry) => this.#table.start(entry.spec));
      try {
        await Promise.all(started.map((info) => this.#registered(info.id, info.pid, info.services)));
      } catch (error) {
        // A start that fails leaves the service stopped, as it was, and nothing half-started.
        await Promise.all(started.map((info) => this.#table.stop(info.id)));
        throw error;
      }
      for (const info of started) this.#table.supervise(info.id);
      for (const entry of entries) this.#stopped.splice(this.#stopped.indexOf(entry), 1);
      return { processes: started.map((info) => info.id), services: [...new Set(started.flatMap((info) => info.services))] };
    });
  }

  /** Until each of the process's services is in discovery under its pid; an early exit or the deadline fails it. */
  async #registered(id: string, pid: number | undefined, services: string[]): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!services.every((name) => this.#registry.instances(name).some((instance) => instance.pid === pid))) {
      const info = this.#table.list().find((candidate) => candidate.id === id);
      if (!info || info.state === 'exited') throw problems.unavailable(`process ${id} exited with ${info?.exitCode ?? 'unknown'} before it was ready`);
      if (Date.now() > deadline) throw problems.unavailable(`process ${id} did not register in ${READY_TIMEOUT_MS / 1000} s`);
      await sleep(50);
    }
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
