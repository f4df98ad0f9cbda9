import type { FastifyInstance } from 'fastify';
import { FaultsSchema, Type, chassisApi, problems, recentSpans, type Caller, type RouteDefinition } from '@agora/chassis';
import { authenticate, type ProxyDeps } from './proxy.ts';

const adminOnly: RouteDefinition = { method: 'GET', path: '', access: 'admin', summary: '', response: {} };
const ServiceParam = Type.Object({ service: Type.String({ pattern: '^[a-z]+$' }) });

/**
 * Operator API (admin role): every service's chassis status, fault injection, dead letters and
 * traces. It talks to services through the chassis contract, so it works in every topology.
 */
export function registerAdminRoutes(app: FastifyInstance, services: string[], caller: Caller, deps: ProxyDeps): void {
  const known = (service: string) => {
    if (!services.includes(service)) throw problems.notFound(`no service ${service}`);
    return service;
  };
  const onRequest = async (request: Parameters<typeof authenticate>[0]) => authenticate(request, adminOnly, deps);

  app.get('/api/v1/admin/services', { onRequest }, async () => ({
    items: await Promise.all(
      services.map((service) =>
        caller.call(chassisApi, 'status', {}, { target: service }).catch((error: Error) => ({ service, ready: false, error: error.message })),
      ),
    ),
  }));

  app.put<{ Params: { service: string }; Body: { latencyMs: number; errorRate: number } }>(
    '/api/v1/admin/services/:service/faults',
    { onRequest, schema: { params: ServiceParam, body: FaultsSchema } },
    async (request) => caller.call(chassisApi, 'setFaults', { body: request.body }, { target: known(request.params.service) }),
  );

  app.get<{ Params: { service: string } }>('/api/v1/admin/services/:service/dead-letters', { onRequest, schema: { params: ServiceParam } }, async (request) =>
    caller.call(chassisApi, 'listDeadLetters', {}, { target: known(request.params.service) }),
  );

  app.post<{ Params: { service: string } }>('/api/v1/admin/services/:service/dead-letters/replay', { onRequest, schema: { params: ServiceParam } }, async (request) =>
    caller.call(chassisApi, 'replayDeadLetters', {}, { target: known(request.params.service) }),
  );

  // Spans recorded by this process (the embedded topology keeps every service's spans here).
  app.get<{ Params: { traceId: string } }>(
    '/api/v1/admin/traces/:traceId',
    { onRequest, schema: { params: Type.Object({ traceId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }) } },
    async (request) => ({ traceId: request.params.traceId, spans: recentSpans(request.params.traceId) }),
  );
}
