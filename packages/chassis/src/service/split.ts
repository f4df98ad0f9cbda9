import { networkInterfaces } from 'node:os';
import { ServiceRegistry } from '../discovery/registry.ts';
import { DiscoveredDirectory } from '../discovery/discovered-directory.ts';
import type { EventBus } from '../events/bus.ts';
import { NatsEventBus } from '../events/nats-bus.ts';
import { RabbitEventBus } from '../events/rabbit-bus.ts';
import { rootLogger } from '../telemetry/logger.ts';
import { consumerManifest } from './consumer-manifest.ts';
import type { ServiceDefinition } from './define-service.ts';
import { ServiceRuntime, runtimeOptionsFor, type HostingOptions } from './runtime.ts';

export interface SplitOptions extends HostingOptions {
  /** NATS with JetStream: the event bus and the service registry. */
  natsUrl: string;
  /** Interface the services' HTTP APIs listen on. */
  host: string;
  /** Port of the first service's API, the next one +1, …; unset: each on a free port. */
  port?: number;
  /**
   * The host other processes reach these instances on, announced to the registry; unset: the
   * listening address. A container listens on 0.0.0.0 and announces its pod IP or DNS name.
   */
  advertiseHost?: string;
  /** The release these instances run, announced in discovery (canary routing picks by it). */
  version: string;
  /** The event bus: NATS JetStream (the default, on natsUrl) or RabbitMQ. */
  events: EventsChoice;
  /** Told each start-up step as it is done, after it is logged (`agora serve` tells its supervisor). */
  onStartupStep?: (step: StartupStep) => void;
}

/** A start-up step done: its name, the service it is about, and the milliseconds since the process started. */
export interface StartupStep {
  step: string;
  service?: string;
  ms: number;
}

/**
 * The address others reach an instance on: ADVERTISE_HOST when given; listening on every interface
 * (a container), its own first external IPv4 address, so each replica of a scaled service
 * announces itself and not a name they share; else where it listens.
 */
function announced(listening: string, advertiseHost: string | undefined): string {
  const url = new URL(listening.replace('[::1]', '127.0.0.1'));
  const everywhere = url.hostname === '0.0.0.0' || url.hostname === '[::]';
  const own = Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal)?.address;
  if (advertiseHost) url.hostname = advertiseHost;
  else if (everywhere) url.hostname = own ?? '127.0.0.1';
  return url.origin;
}

/** Which bus carries the events; RabbitMQ also needs every service, to declare their queues first. */
export type EventsChoice = { bus: 'nats' } | { bus: 'rabbitmq'; url: string; everyService: ServiceDefinition[] };

export interface ServiceProcess {
  runtimes: ServiceRuntime[];
  registry: ServiceRegistry;
  directory: DiscoveredDirectory;
  bus: EventBus;
  /** Withdraws from discovery first (callers move on), then drains and closes. */
  stop(): Promise<void>;
}

/**
 * Hosts some services in this process for the split topology: each with its own database, its HTTP
 * API on its own port, announced in discovery; calls to every other service go over HTTP to the
 * instances discovery knows, and events over NATS JetStream (or RabbitMQ). Same service code as
 * embedded.
 */
export async function startServiceProcess(definitions: ServiceDefinition[], options: SplitOptions): Promise<ServiceProcess> {
  const logger = rootLogger();
  // Each step logged with the time since the process started: a start that stalls shows where.
  const reached = (step: string, service?: string) => {
    const ms = Math.round(performance.now());
    logger.info({ service, ms }, step);
    options.onStartupStep?.({ step, service, ms });
  };
  reached('starting');
  const registry = await ServiceRegistry.connect({ natsUrl: options.natsUrl, logger });
  reached('discovery connected');
  const signing = options.serviceTokens ? { tokens: options.serviceTokens, issuer: definitions.map((definition) => definition.name).join('+') } : undefined;
  const directory = new DiscoveredDirectory(registry, { signing });
  const bus = await connectEventBus({ natsUrl: options.natsUrl, events: options.events, duplicateDeliveries: options.verifyIdempotency, env: options.env });
  reached('bus connected');
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
        await ServiceRuntime.create(definition, { ...runtimeOptionsFor(definition.name, options, bus, directory), onStartupStep: (step) => reached(step, definition.name) }),
      );
    }
    for (const [index, runtime] of runtimes.entries()) {
      const address = await runtime.app.listen({ port: options.port === undefined ? 0 : options.port + index, host: options.host });
      const url = announced(address, options.advertiseHost);
      reached('listening', runtime.name);
      runtime.advertise(url);
      runtime.start();
      await registry.register(runtime.name, url, options.version);
      reached('registered', runtime.name);
    }
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { runtimes, registry, directory, bus, stop: close };
}

/** Connects the chosen event bus of the split topology, for a service process or the gateway. */
export async function connectEventBus(options: { natsUrl: string; events: EventsChoice; duplicateDeliveries?: boolean; name?: string; env?: NodeJS.ProcessEnv }): Promise<EventBus> {
  const { events, duplicateDeliveries = false } = options;
  // Each adapter has its own default connection name.
  const shared = { duplicateDeliveries, logger: rootLogger(), ...(options.name ? { name: options.name } : {}) };
  if (events.bus === 'nats') return NatsEventBus.connect({ url: options.natsUrl, ...shared });
  const bus = await RabbitEventBus.connect({ url: events.url, ...shared });
  // RabbitMQ routes an event only to queues that exist when it is published: every process
  // declares every service's queues before its own relay publishes anything (idempotent).
  try {
    for (const entry of consumerManifest(events.everyService, options.env)) await bus.declare(entry);
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}
