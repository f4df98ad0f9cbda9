import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fillPath, type ApiContract, type RouteDefinition, type RouteInput, type RouteReply } from '../contract/api.ts';
import { problems } from '../contract/problems.ts';
import type { Principal } from '../service/context.ts';
import { SpanKind, contextFromTraceparent, withSpan } from '../telemetry/tracing.ts';

export interface HandlerInput<R extends RouteDefinition> extends RouteInput<R> {
  principal: Principal | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export type RouteHandler<R extends RouteDefinition> = (input: HandlerInput<R>) => Promise<RouteReply<R>>;

/** One handler per route of the contract; a missing or mistyped handler is a compile error. */
export type Handlers<Api extends ApiContract> = { [K in keyof Api['routes']]: RouteHandler<Api['routes'][K]> };

/** The gateway forwards the verified token's subject and role in this header; services trust only it. */
export const PRINCIPAL_HEADER = 'x-agora-principal';

export function parsePrincipal(header: string | string[] | undefined): Principal | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  try {
    const value = JSON.parse(header) as Principal;
    if (typeof value.sub === 'string' && (value.role === 'customer' || value.role === 'admin')) return value;
  } catch {
    // an unreadable principal is no principal
  }
  return undefined;
}

/** Services re-check access: a request that skipped the gateway still needs a principal with the right role. */
function authorize(route: RouteDefinition, principal: Principal | undefined): void {
  if (route.access === 'user' || route.access === 'admin') {
    if (!principal) throw problems.unauthorized('a bearer token is required');
    if (route.access === 'admin' && principal.role !== 'admin') throw problems.forbidden('this action needs the admin role');
  }
}

/**
 * A deprecated route's Deprecation, Sunset and Link headers (RFC 9745, RFC 8594), the Link naming
 * this request's resource in the successor version: `/api/v1/products/p-1` → `/api/v2/products/p-1`.
 */
export function sunsetHeaders(route: RouteDefinition, params: unknown): Record<string, string> | undefined {
  const deprecated = route.deprecated;
  if (!deprecated) return undefined;
  return {
    deprecation: `@${Math.floor(Date.parse(deprecated.since) / 1000)}`,
    sunset: new Date(deprecated.sunset).toUTCString(),
    link: `<${fillPath(deprecated.successor, params as Record<string, unknown> | undefined)}>; rel="successor-version"`,
  };
}

/** What a route's handler is given once its input is validated, however the request arrived. */
export interface ValidatedRequest {
  params: unknown;
  query: unknown;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Re-checks access, then runs the handler inside a server span continuing the caller's trace: the
 * same for a request over HTTP and one dispatched in-process (http/direct-routes.ts).
 */
export async function runHandler(service: string, operation: string, route: RouteDefinition, handler: RouteHandler<RouteDefinition>, request: ValidatedRequest) {
  const principal = parsePrincipal(request.headers[PRINCIPAL_HEADER]);
  authorize(route, principal);
  const traceparent = request.headers.traceparent;
  return withSpan(
    service,
    operation,
    SpanKind.SERVER,
    { 'http.request.method': route.method, 'http.route': route.path },
    async (span) => {
      const answer = await handler({ params: request.params, query: request.query, body: request.body, principal, headers: request.headers } as HandlerInput<RouteDefinition>);
      span.setAttribute('http.response.status_code', answer.status);
      return answer;
    },
    contextFromTraceparent(typeof traceparent === 'string' ? traceparent : undefined),
  );
}

/** Where a service's routes are also registered to be called in-process, without HTTP (embedded topology). */
export interface InProcessRoutes {
  add(operation: string, route: RouteDefinition, handler: RouteHandler<RouteDefinition>): void;
}

/** Registers a contract's routes: schemas validate input, the handler runs inside a server span. */
export function registerRoutes<Api extends ApiContract>(app: FastifyInstance, service: string, api: Api, handlers: Handlers<Api>, inProcess?: InProcessRoutes): void {
  for (const [operation, route] of Object.entries(api.routes) as Array<[string, RouteDefinition]>) {
    const handler = handlers[operation as keyof Api['routes']] as RouteHandler<RouteDefinition>;
    inProcess?.add(operation, route, handler);
    app.route({
      method: route.method,
      url: route.path,
      schema: {
        operationId: `${service}.${operation}`,
        summary: route.summary,
        tags: [service],
        ...(route.params ? { params: route.params } : {}),
        ...(route.querystring ? { querystring: route.querystring } : {}),
        ...(route.body ? { body: route.body } : {}),
        response: route.response,
        ...(route.deprecated ? { deprecated: true } : {}),
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const result = await runHandler(service, operation, route, handler, request);
        const deprecation = sunsetHeaders(route, request.params);
        if (deprecation) reply.headers(deprecation);
        for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
        return reply.code(result.status).send(result.status === 204 ? undefined : result.body);
      },
    });
  }
}

/** Reply builders that keep the status a literal type, so the compiler matches it to the contract. */
export const reply = {
  ok: <B>(body: B, headers?: Record<string, string>) => ({ status: 200 as const, body, headers }),
  created: <B>(body: B, headers?: Record<string, string>) => ({ status: 201 as const, body, headers }),
  accepted: <B>(body: B, headers?: Record<string, string>) => ({ status: 202 as const, body, headers }),
};
