import type { FastifyInstance } from 'fastify';
import type { HttpMethod, RouteDefinition } from '../contract/api.ts';

export interface TransportRequest {
  method: HttpMethod;
  /** Path and query string. */
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Raw body passed through unchanged (the gateway forwards what it received). */
  rawBody?: string | Buffer;
  /** Aborted when the caller's deadline passes: an HTTP request is cancelled, not left running. */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A typed call handed to a service in the same process: the route itself, no URL to build and parse. */
export interface DispatchRequest {
  route: RouteDefinition;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers: Record<string, string>;
  signal?: AbortSignal;
}

/** A service's routes, callable in-process (http/direct-routes.ts). */
export interface Dispatcher {
  dispatch(request: DispatchRequest): Promise<TransportResponse>;
}

/** How a request reaches another service: in-process in the embedded topology, HTTP in the split one. */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Present where the service runs in this process: typed calls skip HTTP altogether. */
  dispatch?(request: DispatchRequest): Promise<TransportResponse>;
}

export function payloadOf(request: TransportRequest): string | Buffer | undefined {
  if (request.rawBody !== undefined) return request.rawBody;
  return request.body === undefined ? undefined : JSON.stringify(request.body);
}

/**
 * Reaches a service in this process. Requests by URL (the gateway's proxy) go to its Fastify
 * instance without a socket (`inject`): the same routing, parsing, validation and hooks as over
 * HTTP. Typed calls between services go straight to its routes (`dispatch`), with the same checks.
 */
export class InProcessTransport implements Transport {
  readonly #app: FastifyInstance;
  readonly dispatch?: (request: DispatchRequest) => Promise<TransportResponse>;
  constructor(app: FastifyInstance, routes?: Dispatcher) {
    this.#app = app;
    if (routes) this.dispatch = (request) => routes.dispatch(request);
  }
  async request(request: TransportRequest): Promise<TransportResponse> {
    const payload = payloadOf(request);
    const headers = payload !== undefined && !request.headers['content-type'] ? { ...request.headers, 'content-type': 'application/json' } : request.headers;
    const response = await this.#app.inject({ method: request.method, url: request.url, headers, payload });
    return { status: response.statusCode, headers: response.headers as TransportResponse['headers'], body: response.body };
  }
}
