import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { Type, defineProblem, problems } from '@agora/chassis';
import type { RunState } from '../console-api/contract.ts';
import type { ServiceControl } from './service-control.ts';

const notImplemented = defineProblem('not-implemented', 501, 'Not implemented');
const ServiceParam = Type.Object({ service: Type.String({ pattern: '^[a-z]+$' }) });

/**
 * `POST /api/v1/admin/services/:service/stop` and `…/start` (admin only): 404 for a service the
 * gateway does not route to, 409 when it is in that state already, 501 where nothing controls the
 * services (a gateway deployed on its own).
 */
export function registerServiceControlRoutes(app: FastifyInstance, services: string[], control: ServiceControl | undefined, onRequest: onRequestAsyncHookHandler): void {
  const controlOf = (service: string): ServiceControl => {
    if (!services.includes(service)) throw problems.notFound(`no service ${service}`);
    if (!control) throw notImplemented('stopping and starting services is not available in this deployment: the gateway runs on its own');
    return control;
  };

  app.post<{ Params: { service: string } }>('/api/v1/admin/services/:service/stop', { onRequest, schema: { params: ServiceParam } }, async (request): Promise<RunState> => {
    const { service } = request.params;
    const control = controlOf(service);
    if (control.stopped().includes(service)) throw problems.conflict(`${service} is stopped already`);
    return { service, running: false, ...(await control.stop(service)) };
  });

  app.post<{ Params: { service: string } }>('/api/v1/admin/services/:service/start', { onRequest, schema: { params: ServiceParam } }, async (request): Promise<RunState> => {
    const { service } = request.params;
    const control = controlOf(service);
    if (!control.stopped().includes(service)) throw problems.conflict(`${service} is running already`);
    return { service, running: true, ...(await control.start(service)) };
  });
}
