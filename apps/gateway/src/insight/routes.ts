import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { LogQuery, Type, chassisApi, problems, recentLogs, type Caller, type LogLineRecord } from '@agora/chassis';
import { ordersApi } from '@agora/orders/contract/api';
import type { ServiceContract } from '../console-api/contract.ts';
import { sagaTimeline, type ServiceReport } from './saga-timeline.ts';

const GATEWAY = 'gateway';
const DEFAULT_LOG_LIMIT = 100;

const ServiceParam = Type.Object({ service: Type.String({ pattern: '^[a-z]+$' }) });

export interface InsightOptions {
  /** The services the gateway routes to. */
  services: string[];
  caller: Caller;
  /** Admin only, as every operator route. */
  onRequest: onRequestAsyncHookHandler;
}

/**
 * What operators read to understand one service or one order, gathered from the running services
 * over the chassis contract (so the same in every topology): a service's contract, its recent log
 * lines from every instance, and an order's saga across every service's own store.
 */
export function registerInsightRoutes(app: FastifyInstance, { services, caller, onRequest }: InsightOptions): void {
  const known = (service: string) => {
    if (!services.includes(service)) throw problems.notFound(`no service ${service}`);
    return service;
  };

  app.get<{ Params: { service: string } }>('/api/v1/admin/services/:service/contract', { onRequest, schema: { params: ServiceParam } }, async (request): Promise<ServiceContract> => {
    const service = known(request.params.service);
    const described = await caller.call(chassisApi, 'describe', {}, { target: service });
    return {
      service,
      version: described.api.version,
      description: described.description,
      routes: described.api.routes,
      publishes: described.events,
      consumes: described.consumes,
      openApi: '/openapi.json',
      asyncApi: '/asyncapi.json',
    };
  });

  // Every instance keeps its own recent lines: all are asked, and their lines merged by time.
  app.get<{ Params: { service: string }; Querystring: { traceId?: string; limit?: number } }>(
    '/api/v1/admin/services/:service/logs',
    { onRequest, schema: { params: ServiceParam, querystring: LogQuery } },
    async (request) => {
      const { traceId, limit = DEFAULT_LOG_LIMIT } = request.query;
      const service = request.params.service;
      let lines: LogLineRecord[];
      if (service === GATEWAY) lines = recentLogs({ service, traceId, limit });
      else {
        const answers = await caller.callEach(chassisApi, 'logs', { query: { limit, ...(traceId ? { traceId } : {}) } }, { target: known(service) });
        const failed = answers.find((answer) => !answer.ok);
        if (answers.length === 0 || answers.every((answer) => !answer.ok)) throw failed && !failed.ok ? failed.error : problems.unavailable(`no live instance of ${service}`);
        lines = answers.flatMap((answer) => (answer.ok ? answer.body.items : []));
      }
      // A stable sort keeps one instance's lines of the same millisecond in their order.
      return { items: lines.sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).slice(-limit) };
    },
  );

  // Instances of a service share its store, so one answer per service is the whole of it.
  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/orders/:id/saga',
    { onRequest, schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }) } },
    async (request) => {
      const { id } = request.params;
      // Unknown order: orders answers 404, which goes back to the operator as it is.
      const order = await caller.call(ordersApi, 'getOrder', { params: { id } }, { principal: JSON.stringify(request.principal) });
      const reports = await Promise.all(
        services.map((service) =>
          caller.call(chassisApi, 'subjectEvents', { params: { subject: id } }, { target: service }).then(
            (events): ServiceReport => ({ service, ok: true, events }),
            (): ServiceReport => ({ service, ok: false }),
          ),
        ),
      );
      return sagaTimeline(order, reports);
    },
  );
}
