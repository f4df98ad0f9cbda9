import { join } from 'node:path';
import type { ServiceDirectory } from '../calls/client.ts';
import { InProcessTransport, type DispatchRequest, type Transport, type TransportRequest, type TransportResponse } from '../calls/transport.ts';
import { problems } from '../contract/problems.ts';
import { SqliteEventBus } from '../events/sqlite-bus.ts';
import type { ServiceDefinition } from './define-service.ts';
import { ServiceRuntime, runtimeOptionsFor, type HostingOptions } from './runtime.ts';

/** The embedded topology decides nothing beyond what every topology does. */
export type EmbeddedOptions = HostingOptions;

/**
 * Services running in this process, reachable in-process by name. A service taken out (suspended)
 * has no live instance, exactly as a stopped process that withdrew from discovery in the split
 * topology: calls to it fail with the same 503, so retries, breakers and fallbacks see the same.
 */
export class LocalDirectory implements ServiceDirectory {
  readonly #transports = new Map<string, Transport>();
  readonly #out = new Set<string>();
  add(service: string, transport: Transport): void {
    this.#transports.set(service, transport);
  }
  transport(service: string): Transport {
    const transport = this.#transports.get(service);
    if (!transport) throw new Error(`service ${service} is not part of this topology`);
    const reachable = () => !this.#out.has(service);
    return {
      request: (request: TransportRequest): Promise<TransportResponse> => (reachable() ? transport.request(request) : Promise.reject(noLiveInstance(service))),
      ...(transport.dispatch && {
        dispatch: (request: DispatchRequest): Promise<TransportResponse> => (reachable() ? transport.dispatch!(request) : Promise.reject(noLiveInstance(service))),
      }),
    };
  }
  instances(service: string): Transport[] {
    return this.#out.has(service) ? [] : [this.transport(service)];
  }
  /** Calls to `service` fail from now on (`false`), or reach it again (`true`). */
  setReachable(service: string, reachable: boolean): void {
    if (reachable) this.#out.delete(service);
    else this.#out.add(service);
  }
}

/** What the split topology's directory answers for a service with no registered instance. */
function noLiveInstance(service: string) {
  return problems.unavailable(`no live instance of ${service}`, { headers: { 'retry-after': '1' } });
}

export interface EmbeddedSystem {
  runtimes: ServiceRuntime[];
  directory: LocalDirectory;
  bus: SqliteEventBus;
  /**
   * Takes a service out as if its process had stopped: unreachable for callers, its consumers and
   * relay paused, not ready. Its database stays open. False when it was already out.
   */
  suspend(service: string): Promise<boolean>;
  /** Brings a suspended service back: reachable, consuming, relaying. False when it was not out. */
  resume(service: string): Promise<boolean>;
  /** The services taken out now. */
  suspended(): string[];
  stop(): Promise<void>;
}

/**
 * The embedded topology: every service in this process, one SQLite file each, a durable SQLite
 * stream as the bus, calls between services straight to the callee's routes (no HTTP). Same service code as the split topology.
 */
export async function startEmbedded(definitions: ServiceDefinition[], options: EmbeddedOptions): Promise<EmbeddedSystem> {
  const bus = new SqliteEventBus({ path: join(options.dataDir, 'bus.db'), duplicateDeliveries: options.verifyIdempotency });
  const directory = new LocalDirectory();
  const started = await Promise.allSettled(
    definitions.map((definition) =>
      ServiceRuntime.create(definition, runtimeOptionsFor(definition.name, options, bus, directory)),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // Leave nothing half-started behind: close what did start, then report the first failure.
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    await bus.close();
    throw failed.reason;
  }
  const runtimes = started.map((result) => (result as PromiseFulfilledResult<ServiceRuntime>).value);
  for (const runtime of runtimes) directory.add(runtime.name, new InProcessTransport(runtime.app, runtime.routes));
  for (const runtime of runtimes) runtime.start();
  const pauses = new Map<string, Promise<void>>();
  const runtimeOf = (service: string) => {
    const runtime = runtimes.find((candidate) => candidate.name === service);
    if (!runtime) throw new Error(`service ${service} is not part of this topology`);
    return runtime;
  };
  return {
    runtimes,
    directory,
    bus,
    async suspend(service) {
      const runtime = runtimeOf(service);
      if (runtime.suspended) return false;
      // Callers move on first, as a process withdraws from discovery before it drains.
      directory.setReachable(service, false);
      const pausing = runtime.suspend();
      pauses.set(service, pausing);
      await pausing;
      return true;
    },
    async resume(service) {
      const runtime = runtimeOf(service);
      if (!runtime.suspended) return false;
      // A resume during the pause waits for it, so consumers and relay never run twice.
      await pauses.get(service);
      if (!runtime.suspended) return false;
      runtime.resume();
      directory.setReachable(service, true);
      return true;
    },
    suspended: () => runtimes.filter((runtime) => runtime.suspended).map((runtime) => runtime.name),
    async stop() {
      await Promise.all(runtimes.map((runtime) => runtime.stop()));
      await bus.close();
    },
  };
}
