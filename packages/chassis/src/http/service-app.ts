import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiContract } from '../contract/api.ts';
import { asyncApiFor } from '../contract/asyncapi.ts';
import type { EventDefinition } from '../contract/events.ts';
import { openApiFor } from '../contract/openapi.ts';
import { problems } from '../contract/problems.ts';
import type { Logger } from '../telemetry/logger.ts';
import { httpDuration, httpRequests, registry } from '../telemetry/metrics.ts';
import { clientErrorHandler, frameworkErrors, installProblemHandlers, sendProblem } from './problem-handler.ts';
import type { ServiceTokens } from '../auth/service-tokens.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { requireServiceTokens } from './service-auth.ts';
import { refuseNulCharacters } from './nul-characters.ts';
import { serializerCompiler, validatorCompiler } from './validation.ts';

/** RED per route: every answered request counted by route template and status, and timed. */
export function installHttpMetrics(app: FastifyInstance, service: string): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ service, method: request.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ service, method: request.method, route }, reply.elapsedTime / 1000);
  });
}

/** Requests larger than this are refused with 413 (a service's own option may change it). */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  service: string;
  description: string;
  /** Everything the service serves; its OpenAPI document is made from them. */
  contracts: ApiContract[];
  /** The events it publishes and the ones its consumers take; its AsyncAPI document is made from them. */
  events?: { publishes: EventDefinition[]; consumes: EventDefinition[] };
  logger: Logger;
  /** Dependencies reachable and migrations done. */
  readiness: () => Promise<Record<string, 'up' | 'down'>>;
  bodyLimitBytes?: number;
  /** Split topology: callers must present a service token for this service (unset: in-process or SERVICE_AUTH=off). */
  serviceTokens?: ServiceTokens;
}

/** A Fastify instance with the chassis' defaults: strict validation, problem+json, RED metrics, health, OpenAPI and AsyncAPI. */
export async function createServiceApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, return503OnClosing: true, forceCloseConnections: 'idle', frameworkErrors, clientErrorHandler });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app, options.logger);
  installSecurityHeaders(app);
  if (options.serviceTokens) requireServiceTokens(app, options.service, options.serviceTokens);
  refuseNulCharacters(app);

  installHttpMetrics(app, options.service);

  app.get('/healthz', async () => ({ status: 'ok', service: options.service }));
  app.get('/readyz', async (request, reply) => {
    const checks = await options.readiness();
    if (Object.values(checks).every((state) => state === 'up')) return { status: 'ready', checks };
    return sendProblem(reply, problems.unavailable('not ready', { extensions: { checks } }), request.url);
  });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  let document: unknown;
  app.get('/openapi.json', async () => {
    document ??= openApiFor(options.contracts, { title: `Agora ${options.service}`, version: options.contracts[0]?.version ?? '1.0.0', description: options.description });
    return document;
  });
  let eventsDocument: unknown;
  app.get('/asyncapi.json', async () => {
    const { publishes = [], consumes = [] } = options.events ?? {};
    eventsDocument ??= asyncApiFor({ title: `Agora ${options.service} events`, version: options.contracts[0]?.version ?? '1.0.0', description: options.description }, [...publishes, ...consumes], [
      { service: options.service, publishes: publishes.map((event) => event.type), consumes: consumes.map((event) => event.type) },
    ]);
    return eventsDocument;
  });
  return app;
}
