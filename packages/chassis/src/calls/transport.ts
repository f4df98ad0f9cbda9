import type { FastifyInstance } from 'fastify';
import type { HttpMethod } from '../contract/api.ts';

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

/** How a request reaches another service: in-process in the embedded topology, HTTP in the split one. */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
}

export function payloadOf(request: TransportRequest): string | Buffer | undefined {
  if (request.rawBody !== undefined) return request.rawBody;
  return request.body === undefined ? undefined : JSON.stringify(request.body);
}

/**
 * Calls a service's Fastify instance without a socket (`inject`): the same routing, validation and
 * hooks as over HTTP, which is what lets one codebase run as one process or many.
 */
export class InProcessTransport implements Transport {
  readonly #app: FastifyInstance;
  constructor(app: FastifyInstance) {
    this.#app = app;
  }
  async request(request: TransportRequest): Promise<TransportResponse> {
    const payload = payloadOf(request);
    const headers = payload !== undefined && !request.headers['content-type'] ? { ...request.headers, 'content-type': 'application/json' } : request.headers;
    const response = await this.#app.inject({ method: request.method, url: request.url, headers, payload });
    return { status: response.statusCode, headers: response.headers as TransportResponse['headers'], body: response.body };
  }
}
