import { Pool } from 'undici';
import { payloadOf, type Transport, type TransportRequest, type TransportResponse } from './transport.ts';

export interface HttpTransportOptions {
  /** Keep-alive connections per instance: the downstream's own bulkhead in the split topology. */
  connections?: number;
}

/**
 * Calls one service instance over HTTP/1.1 through an undici keep-alive pool. The request is the
 * same one the in-process transport injects, so a service cannot tell the topologies apart.
 */
export class HttpTransport implements Transport {
  readonly origin: string;
  readonly #pool: Pool;

  constructor(origin: string, options: HttpTransportOptions = {}) {
    this.origin = origin;
    this.#pool = new Pool(origin, { connections: options.connections ?? 64, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const payload = payloadOf(request);
    const headers = payload !== undefined && !request.headers['content-type'] ? { ...request.headers, 'content-type': 'application/json' } : request.headers;
    const response = await this.#pool.request({ method: request.method, path: request.url, headers, body: payload, signal: request.signal });
    return { status: response.statusCode, headers: response.headers as TransportResponse['headers'], body: await response.body.text() };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
