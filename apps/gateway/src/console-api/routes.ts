import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ApiContract, Caller, Logger } from '@agora/chassis';
import type { NodeInstance, Topology } from './contract.ts';
import { LiveSampler, type OperatorState } from './live-sampler.ts';
import { registerLiveStream } from './live-stream.ts';
import { RouteOwners } from './route-owners.ts';
import { ServiceDeclarations } from './service-declarations.ts';
import { topologyGraph } from './topology-graph.ts';
import type { BacklogSource } from './waiting.ts';

export interface ConsoleApiOptions {
  /** The contracts the gateway routes; their services are the ones asked. */
  contracts: ApiContract[];
  caller: Caller;
  /** The release this gateway runs. */
  version: string;
  /** Admin only, as every operator route. */
  onRequest: onRequestAsyncHookHandler;
  logger: Logger;
  /** The traffic generator's status and the stopped services, for each live tick. */
  operator: OperatorState;
  /** Where each tick reads the events waiting per service; unset: ticks carry no `waiting`. */
  bus?: BacklogSource;
}

/**
 * The live console's data, for operators: the system graph as the running services declare it
 * (`GET /api/v1/admin/topology`), and what flows along its edges, once a second
 * (`GET /api/v1/admin/live`, Server-Sent Events).
 *
 * Both take the admin token in the `Authorization: Bearer` header, never in the URL (where logs
 * and browser history would keep it). A browser's `EventSource` cannot send that header, so the
 * console reads the stream with `fetch()` and a stream reader, which can.
 */
export function registerConsoleApi(app: FastifyInstance, options: ConsoleApiOptions): void {
  const { contracts, caller, version, onRequest } = options;
  const services = contracts.map((contract) => contract.service);
  const declarations = new ServiceDeclarations(caller, services);
  const routes = contracts
    .filter((contract) => Object.values(contract.routes).some((route) => route.access !== 'internal'))
    .map((contract) => ({ service: contract.service, version: contract.version }));

  app.get('/api/v1/admin/topology', { onRequest }, async (): Promise<Topology> => topologyGraph({ instances: [gatewayInstance(app, version)], routes }, await declarations.gather()));

  const sampler = new LiveSampler({ caller, services, owners: new RouteOwners(contracts), version, bus: options.bus }, options.logger, options.operator);
  registerLiveStream(app, '/api/v1/admin/live', onRequest, sampler);
}

function gatewayInstance(app: FastifyInstance, version: string): NodeInstance {
  const address = app.server.address();
  const url = address && typeof address === 'object' ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : undefined;
  return { ...(url ? { url } : {}), version, pid: process.pid, ready: true };
}
