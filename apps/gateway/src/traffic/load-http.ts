/** How long one request of the generator may take before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface LoadResponse {
  status: number;
  body: any;
}

/** An unexpected answer, in one line an operator can read (`POST /api/v1/orders → 503 no live instance of orders`). */
export class LoadRequestError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/**
 * The generator's HTTP client: plain `fetch` against the shop's public URL, as any client of the
 * shop, with a deadline per request and the generator's stop signal.
 */
export class LoadHttp {
  readonly #baseUrl: string;
  readonly #stopped: AbortSignal;

  constructor(baseUrl: string, stopped: AbortSignal) {
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#stopped = stopped;
  }

  async request(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<LoadResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.#baseUrl + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.any([this.#stopped, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    const text = await response.text();
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: response.status, body };
  }

  /** The request, answered with one of `expected` statuses, or a LoadRequestError saying what came instead. */
  async expect(expected: number[], method: string, path: string, options: Parameters<LoadHttp['request']>[2] = {}): Promise<LoadResponse> {
    const response = await this.request(method, path, options);
    if (!expected.includes(response.status)) {
      const problem = response.body as { title?: string; detail?: string } | undefined;
      const reason = typeof problem === 'object' && problem ? (problem.detail ?? problem.title ?? '') : '';
      throw new LoadRequestError(`${method} ${path.split('?')[0]} → ${response.status}${reason ? ` ${reason}` : ''}`, response.status);
    }
    return response;
  }
}
