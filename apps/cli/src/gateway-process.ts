import { resolve } from 'node:path';
import { parseRouteWeights, rootLogger } from '@agora/chassis';
import { connectEventBus, DiscoveredDirectory, ServiceRegistry } from '@agora/chassis/split';
import { createGateway, type ServiceControl } from '@agora/gateway';
import { eventsOf, resilienceOf } from './configuration.ts';
import type { PlatformConfig } from './platform-config.ts';
import { serviceTokensOf } from './service-auth.ts';

export interface GatewayConnections {
  natsUrl: string;
  redisUrl?: string;
  rabbitUrl?: string;
  /** The gateway's own database (idempotency keys); unset: SQLite in DATA_DIR. */
  databaseUrl?: string;
  /** A registry connection the caller already holds (the supervisor waits on it first). */
  registry?: ServiceRegistry;
  /** The supervisor's processes, for operators to stop and start; a gateway on its own has none. */
  control?: ServiceControl;
}

export interface GatewayProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The gateway of the split topology, listening on PORT: services found through the NATS registry,
 * rate limits and the catalog cache shared through Redis, the bus heard for cache invalidation.
 * The supervisor runs one in its own process; `agora serve gateway` runs one on its own (a container).
 */
export async function startGatewayProcess(config: PlatformConfig, env: NodeJS.ProcessEnv, connections: GatewayConnections): Promise<GatewayProcess> {
  // Every request to a service carries a token from `gateway` (SERVICE_AUTH=token).
  const tokens = serviceTokensOf(config);
  const registry = connections.registry ?? (await ServiceRegistry.connect({ natsUrl: connections.natsUrl, logger: rootLogger() }));
  const directory = new DiscoveredDirectory(registry, { weights: parseRouteWeights(config.ROUTE_WEIGHTS).weights, signing: tokens && { tokens, issuer: 'gateway' } });
  // The catalog cache listens for product.changed.v1, and the console reads what waits for each
  // service (on RabbitMQ, every service's queue is declared on connecting, so this connection knows them).
  const bus = await connectEventBus({ natsUrl: connections.natsUrl, events: eventsOf(config, connections.rabbitUrl), name: 'agora-gateway', env });
  const closeConnections = async () => {
    await bus.close();
    await directory.close();
    if (!connections.registry) await registry.close();
  };
  try {
    const gateway = await createGateway({
      config,
      directory,
      dataDir: resolve(config.DATA_DIR),
      databaseUrl: connections.databaseUrl,
      redisUrl: connections.redisUrl,
      bus,
      resilience: resilienceOf(config),
      extraRetry: config.AGORA_VERIFY_IDEMPOTENCY,
      control: connections.control,
    });
    const address = await gateway.app.listen({ port: config.PORT, host: config.HOST });
    return {
      url: address.replace('[::1]', 'localhost'),
      async stop() {
        await gateway.stop();
        await closeConnections();
      },
    };
  } catch (error) {
    await closeConnections().catch(() => undefined);
    throw error;
  }
}
