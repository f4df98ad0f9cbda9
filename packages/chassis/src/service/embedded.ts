import { join } from 'node:path';
import type { ServiceDirectory } from '../calls/client.ts';
import { InProcessTransport, type Transport } from '../calls/transport.ts';
import { SqliteEventBus } from '../events/sqlite-bus.ts';
import type { ServiceDefinition } from './define-service.ts';
import { ServiceRuntime, runtimeOptionsFor, type HostingOptions } from './runtime.ts';

/** The embedded topology decides nothing beyond what every topology does. */
export type EmbeddedOptions = HostingOptions;

/** Services running in this process, reachable in-process by name. */
export class LocalDirectory implements ServiceDirectory {
  readonly #transports = new Map<string, Transport>();
  add(service: string, transport: Transport): void {
    this.#transports.set(service, transport);
  }
  transport(service: string): Transport {
    const transport = this.#transports.get(service);
    if (!transport) throw new Error(`service ${service} is not part of this topology`);
    return transport;
  }
}

export interface EmbeddedSystem {
  runtimes: ServiceRuntime[];
  directory: LocalDirectory;
  bus: SqliteEventBus;
  stop(): Promise<void>;
}

/**
 * The embedded topology: every service in this process, one SQLite file each, a durable SQLite
 * stream as the bus, calls through `inject`. Same service code as the split topology.
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
  for (const runtime of runtimes) directory.add(runtime.name, new InProcessTransport(runtime.app));
  for (const runtime of runtimes) runtime.start();
  return {
    runtimes,
    directory,
    bus,
    async stop() {
      await Promise.all(runtimes.map((runtime) => runtime.stop()));
      await bus.close();
    },
  };
}
