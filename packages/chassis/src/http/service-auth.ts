import type { FastifyInstance } from 'fastify';
import { SERVICE_TOKEN_HEADER, type ServiceTokens } from '../auth/service-tokens.ts';

/**
 * Open without a service token: probes (kubelet, the supervisor, deploy gates) and Prometheus
 * scrape these, and they say nothing a caller could act on. Everything else — the contract's routes,
 * the chassis' /internal/v1/chassis/* and the OpenAPI and AsyncAPI documents, which map the
 * internal routes — needs one.
 */
const OPEN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A service port answers only callers with a valid token for this service: checked in the first
 * onRequest hook, before faults, routing, body parsing or the principal header, which is trusted
 * only from a caller that authenticated. Unmatched paths need a token too (no route map for strangers).
 */
export function requireServiceTokens(app: FastifyInstance, service: string, tokens: ServiceTokens): void {
  app.addHook('onRequest', async (request) => {
    if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return;
    await tokens.verify(request.headers[SERVICE_TOKEN_HEADER], service);
  });
}
