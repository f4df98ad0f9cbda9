import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { problems } from '../contract/problems.ts';
import type { Logger } from '../telemetry/logger.ts';
import { httpDuration, httpRequests, registry } from '../telemetry/metrics.ts';
import { installProblemHandlers, sendProblem } from './problem-handler.ts';
import { validatorCompiler } from './validation.ts';

export interface AppOptions {
  service: string;
  version: string;
  description: string;
  logger: Logger;
  /** Dependencies reachable and migrations done. */
  readiness: () => Promise<Record<string, 'up' | 'down'>>;
  bodyLimitBytes?: number;
}

/** A Fastify instance with the chassis' defaults: strict validation, problem+json, RED metrics, health, OpenAPI. */
export async function createServiceApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? 64 * 1024, return503OnClosing: true, forceCloseConnections: 'idle' });
  app.setValidatorCompiler(validatorCompiler);
  installProblemHandlers(app, options.logger);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `Agora ${options.service}`, version: options.version, description: options.description },
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ service: options.service, method: request.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ service: options.service, method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', service: options.service }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const checks = await options.readiness();
    if (Object.values(checks).every((state) => state === 'up')) return { status: 'ready', checks };
    return sendProblem(reply, problems.unavailable('not ready', { extensions: { checks } }), request.url);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
