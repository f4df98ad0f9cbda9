import { ServiceRegistry } from '../discovery/registry.ts';
import { DiscoveredDirectory } from '../discovery/discovered-directory.ts';
import { NatsEventBus } from '../events/nats-bus.ts';
import { rootLogger } from '../telemetry/logger.ts';
import type { ServiceDefinition } from './define-service.ts';
import { ServiceRuntime, runtimeOptionsFor, type HostingOptions } from './runtime.ts';

export interface SplitOptions extends HostingOptions {
  /** NATS with JetStream: the event bus and the service registry. */
  natsUrl: string;
  /** Interface the services' HTTP APIs listen on (each on a free port, announced to the registry). */
  host: string;
  /** The release these instances run, announced in discovery (canary routing picks by it). */
  version: string;
}

export interface ServiceProcess {
  runtimes: ServiceRuntime[];
  registry: ServiceRegistry;
  directory: DiscoveredDirectory;
  bus: NatsEventBus;
  /** Withdraws from discovery first (callers move on), then drains and closes. */
  stop(): Promise<void>;
}

/**
 * Hosts some services in this process for the split topology: each with its own database, its HTTP
 * API on its own port, announced in discovery; calls to every other service go over HTTP to the
 * instances discovery knows, and events over NATS JetStream. Same service code as embedded.
 */
export async function startServiceProcess(definitions: ServiceDefinition[], options: SplitOptions): Promise<ServiceProcess> {
  const logger = rootLogger();
  const registry = await ServiceRegistry.connect({ natsUrl: options.natsUrl, logger });
  const directory = new DiscoveredDirectory(registry);
  const bus = await NatsEventBus.connect({ url: options.natsUrl, duplicateDeliveries: options.verifyIdempotency });
  const runtimes: ServiceRuntime[] = [];
  const close = async () => {
    await registry.deregister();
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    await bus.close();
    await directory.close();
    await registry.close();
  };
  try {
    for (const definition of definitions) {
      runtimes.push(
        await ServiceRuntime.create(definition, runtimeOptionsFor(definition.name, options, bus, directory)),
      );
    }
    for (const runtime of runtimes) {
      const address = await runtime.app.listen({ port: 0, host: options.host });
      runtime.start();
      await registry.register(runtime.name, address.replace('[::1]', '127.0.0.1'), options.version);
    }
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { runtimes, registry, directory, bus, stop: close };
}
