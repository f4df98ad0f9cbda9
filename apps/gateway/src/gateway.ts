import compress from '@fastify/compress';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  Caller,
  chassisApi,
  defaultResilience,
  clientErrorHandler,
  frameworkErrors,
  installHttpMetrics,
  installProblemHandlers,
  installSecurityHeaders,
  openServiceDatabase,
  sendProblem,
  problems,
  serviceLogger,
  serializerCompiler,
  validatorCompiler,
  type EventBus,
  type ResilienceOptions,
  type ServiceDirectory,
} from '@agora/chassis';
import { adminOnly, registerAdminRoutes } from './admin.ts';
import { registerConsoleApi } from './console-api/routes.ts';
import { registerEventCatalogue } from './insight/event-catalogue.ts';
import { registerInsightRoutes } from './insight/routes.ts';
import { registerMetrics } from './metrics.ts';
import { TokenVerifier } from './auth.ts';
import { localCatalogCache } from './catalog-cache.ts';
import type { GatewayConfig } from './config.ts';
import { IdempotencyStore, gatewayMigrations, type GatewayDb } from './idempotency.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { registerDocs } from './docs.ts';
import { publicOpenApi } from './openapi.ts';
import { registerProxyRoutes, utf8Text, type ProxyDeps } from './proxy.ts';
import { registerServiceControlRoutes } from './service-control/routes.ts';
import type { ServiceControl } from './service-control/service-control.ts';
import { registerTrafficRoutes } from './traffic/routes.ts';
import { RateLimiter } from './rate-limit.ts';
import { connectSharedState } from './shared-state.ts';
import { defaultConsoleDir, registerConsoleSite } from './console-site.ts';
import { publicContracts } from './routes-table.ts';
import { trackUnusedConnections } from './unused-connections.ts';

export interface GatewayOptions {
  config: GatewayConfig;
  directory: ServiceDirectory;
  dataDir: string;
  /** The gateway's own database (`postgres://…`, split topology); unset: SQLite in dataDir. */
  databaseUrl?: string;
  /** Redis shared by every gateway instance (rate limits, catalog read cache); unset: local limits, a cache in memory. */
  redisUrl?: string;
  /**
   * The event bus: the catalog cache hears product.changed.v1 on it, and operators
   * see how many events wait there for each service.
   */
  bus?: EventBus;
  resilience?: ResilienceOptions;
  extraRetry?: boolean;
  /** The built console (`npm run build:console`); unset: apps/console/dist beside this package. */
  consoleDir?: string;
  /** Stops and starts services for operators (chaos); unset (a gateway on its own): those routes answer 501. */
  control?: ServiceControl;
}

export type { ControlOutcome } from './console-api/contract.ts';
export type { ServiceControl } from './service-control/service-control.ts';

export interface Gateway {
  app: FastifyInstance;
  stop(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60_000;

/** The single entry point: routes public API versions to services, after auth, RBAC and rate limits. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = serviceLogger('gateway');
  const database = await openServiceDatabase<GatewayDb>({ service: 'gateway', dataDir: options.dataDir, databaseUrl: options.databaseUrl }, gatewayMigrations);
  const caller = new Caller({ caller: 'gateway', directory: options.directory, resilience: options.resilience ?? defaultResilience, extraRetry: options.extraRetry ?? false });
  const idempotency = new IdempotencyStore(database.db, options.config.IDEMPOTENCY_TTL_SECONDS, options.config.IDEMPOTENCY_LOCK_SECONDS);
  const shared = options.redisUrl
    ? await connectSharedState({ redisUrl: options.redisUrl, perSecond: options.config.RATE_LIMIT_PER_SECOND, burst: options.config.RATE_LIMIT_BURST, bus: options.bus, logger })
    : undefined;
  // Without Redis this gateway is the only one, so its catalog cache can live in its memory.
  const local = shared ? undefined : localCatalogCache(options.bus);
  const deps: ProxyDeps = {
    directory: options.directory,
    verifier: new TokenVerifier(caller),
    limiter: shared?.limiter ?? new RateLimiter(options.config.RATE_LIMIT_PER_SECOND, options.config.RATE_LIMIT_BURST),
    cache: shared?.cache ?? local?.cache,
    loginThrottle: createLoginThrottle(options.config, shared),
    idempotency,
    logger,
  };
  const services = publicContracts.map((contract) => contract.service);

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, return503OnClosing: true, forceCloseConnections: 'idle', trustProxy: false, frameworkErrors, clientErrorHandler });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app, logger);
  installSecurityHeaders(app);
  installHttpMetrics(app, 'gateway');
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });

  let openApi: unknown;
  app.get('/openapi.json', async () => (openApi ??= publicOpenApi(publicContracts, options.config.IDEMPOTENCY_TTL_SECONDS)));
  registerEventCatalogue(app, caller, services);
  registerDocs(app);

  await app.register(async (proxied) => {
    // Bodies pass through unparsed: the owning service validates them against its contract.
    proxied.removeContentTypeParser('application/json');
    proxied.addContentTypeParser('application/json', { parseAs: 'buffer' }, utf8Text);
    registerProxyRoutes(proxied, publicContracts, deps);
  });
  const stopped = () => options.control?.stopped() ?? [];
  registerAdminRoutes(app, services, caller, deps, stopped, options.bus);
  registerInsightRoutes(app, { services, caller, onRequest: adminOnly(deps) });
  registerServiceControlRoutes(app, services, options.control, adminOnly(deps));
  const traffic = registerTrafficRoutes(app, adminOnly(deps), caller);
  const operator = () => ({ traffic: traffic.status(), stopped: stopped() });
  registerConsoleApi(app, { contracts: publicContracts, caller, version: options.config.SERVICE_VERSION, onRequest: adminOnly(deps), logger, operator, bus: options.bus });

  app.get('/healthz', async () => ({ status: 'ok', service: 'gateway' }));
  app.get('/readyz', async (request, reply) => {
    const states = await Promise.all(
      services.map(async (service) => [service, await caller.call(chassisApi, 'status', {}, { target: service }).then((status) => (status.ready ? 'up' : 'down'), () => 'down')] as const),
    );
    const checks = Object.fromEntries(states);
    if (states.every(([, state]) => state === 'up')) return { status: 'ready', checks };
    return sendProblem(reply, problems.unavailable('not ready', { extensions: { checks } }), request.url);
  });
  registerMetrics(app, services, caller, options.directory);
  await registerConsoleSite(app, options.consoleDir ?? defaultConsoleDir, services);

  const sweeper = setInterval(() => void idempotency.sweep().catch((error) => logger.warn({ err: error }, 'idempotency sweep failed')), SWEEP_INTERVAL_MS);
  sweeper.unref();
  const connections = trackUnusedConnections(app.server);
  await app.ready();
  return {
    app,
    async stop() {
      clearInterval(sweeper);
      // close() stops accepting and waits for in-flight requests; a kept-alive connection turns idle
      // only after its last response, so keep closing idle (and never used) ones until everything is done.
      const closeIdle = setInterval(() => {
        app.server.closeIdleConnections();
        connections.closeUnused();
      }, 100);
      await app.close().finally(() => clearInterval(closeIdle));
      await shared?.stop();
      await local?.stop();
      await database.close();
    },
  };
}
