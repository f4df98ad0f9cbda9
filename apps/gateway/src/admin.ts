import type { FastifyInstance } from 'fastify';
import { FaultsSchema, Type, chassisApi, problems, recentSpans, type Caller, type InstanceAnswer, type RouteDefinition, type SpanRecord } from '@agora/chassis';
import type { BreakerState, Faults, ServiceList, ServiceStatus } from './console-api/contract.ts';
import { waitingByService, type BacklogSource } from './console-api/waiting.ts';
import { addWorstBreakers } from './console-api/worst-breakers.ts';
import { authenticate, type ProxyDeps } from './proxy.ts';

const adminRoute: RouteDefinition = { method: 'GET', path: '', access: 'admin', summary: '', response: {} };

/** The onRequest hook of every operator route: a bearer token with the admin role (401, then 403). */
export function adminOnly(deps: ProxyDeps) {
  return async (request: Parameters<typeof authenticate>[0]) => authenticate(request, adminRoute, deps);
}

const ServiceParam = Type.Object({ service: Type.String({ pattern: '^[a-z]+$' }) });

/**
 * Operator API (admin role): every service's chassis status, fault injection, dead letters and
 * traces. It talks to services through the chassis contract, so it works in every topology.
 */
export function registerAdminRoutes(app: FastifyInstance, services: string[], caller: Caller, deps: ProxyDeps, stopped: () => string[] = () => [], bus?: BacklogSource): void {
  const known = (service: string) => {
    if (!services.includes(service)) throw problems.notFound(`no service ${service}`);
    return service;
  };
  const onRequest = adminOnly(deps);

  // With a bus, each item says how many events wait for the service there (`waiting`), stopped or not.
  app.get('/api/v1/admin/services', { onRequest }, async (): Promise<ServiceList> => {
    const waiting = bus ? waitingByService(bus, services).catch(() => undefined) : undefined;
    const items = await Promise.all(
      services.map(async (service) => ({ ...serviceStatus(service, await caller.callEach(chassisApi, 'status', {}, { target: service })), stopped: stopped().includes(service) })),
    );
    const backlog = await waiting;
    return { items: backlog ? items.map((item) => ({ ...item, waiting: backlog[item.service] ?? 0 })) : items };
  });

  // Every instance gets the fault, so a service with two instances fails as a whole.
  app.put<{ Params: { service: string }; Body: Faults }>(
    '/api/v1/admin/services/:service/faults',
    { onRequest, schema: { params: ServiceParam, body: FaultsSchema } },
    async (request) => {
      const answers = await caller.callEach(chassisApi, 'setFaults', { body: request.body }, { target: known(request.params.service) });
      const failed = answers.find((answer) => !answer.ok);
      if (failed && !failed.ok) throw failed.error;
      return request.body;
    },
  );

  // Instances of a service share its database, so any one of them lists its dead letters.
  app.get<{ Params: { service: string } }>('/api/v1/admin/services/:service/dead-letters', { onRequest, schema: { params: ServiceParam } }, async (request) =>
    caller.call(chassisApi, 'listDeadLetters', {}, { target: known(request.params.service) }),
  );

  app.post<{ Params: { service: string } }>('/api/v1/admin/services/:service/dead-letters/replay', { onRequest, schema: { params: ServiceParam } }, async (request) =>
    caller.call(chassisApi, 'replayDeadLetters', {}, { target: known(request.params.service) }),
  );

  // A trace's spans from every process: the gateway's own and each service's (in the embedded
  // topology they are the same process, so spans are deduplicated by id).
  app.get<{ Params: { traceId: string } }>(
    '/api/v1/admin/traces/:traceId',
    { onRequest, schema: { params: Type.Object({ traceId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }) } },
    async (request) => {
      const { traceId } = request.params;
      const answers = await Promise.all(services.map((service) => caller.callEach(chassisApi, 'traceSpans', { params: { traceId } }, { target: service })));
      const remote = answers.flat().flatMap((answer) => (answer.ok ? (answer.body.spans as SpanRecord[]) : []));
      const spans = new Map<string, SpanRecord>();
      for (const span of [...recentSpans(traceId), ...remote]) spans.set(span.spanId, span);
      return { traceId, spans: [...spans.values()].sort((a, b) => a.startTime - b.startTime) };
    },
  );
}

interface InstanceStatus {
  service: string;
  ready: boolean;
  faults: Faults;
  breakers: Record<string, string>;
  consumers: string[];
}

/**
 * One line per service over all its instances: ready only if every instance is, each breaker at its
 * worst state across instances (one instance cut off from a downstream is worth seeing).
 */
function serviceStatus(service: string, answers: InstanceAnswer<InstanceStatus>[]): Omit<ServiceStatus, 'stopped'> {
  const statuses = answers.flatMap((answer) => (answer.ok ? [answer.body] : []));
  const failed = answers.find((answer) => !answer.ok);
  const first = statuses[0];
  if (!first) return { service, ready: false, instances: answers.length, error: failed && !failed.ok ? failed.error.message : 'no live instance' };
  const breakers: Record<string, BreakerState> = {};
  for (const status of statuses) addWorstBreakers(breakers, status.breakers);
  return { ...first, ready: failed === undefined && statuses.every((status) => status.ready), breakers, instances: answers.length };
}
