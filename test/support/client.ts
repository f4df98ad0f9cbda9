import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A thin HTTP client for the public API, as any user of the shop would call it. */
export class ShopClient {
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  }

  async token(email: string, password: string): Promise<string> {
    const response = await this.request('POST', '/api/v1/auth/token', { body: { email, password } });
    if (response.status !== 200) throw new Error(`token for ${email}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.access_token as string;
  }

  /** Registers a fresh customer and returns their token. */
  async newCustomer(name = 'Customer'): Promise<{ email: string; token: string; id: string }> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const registered = await this.request('POST', '/api/v1/auth/register', { body: { email, password: 'correct-horse', name } });
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
    return { email, token: await this.token(email, 'correct-horse'), id: registered.body.id };
  }

  placeOrder(token: string, items: Array<{ productId: string; quantity: number }>, cardToken = 'tok_visa', key: string = randomUUID()): Promise<ApiResponse> {
    return this.request('POST', '/api/v1/orders', { token, body: checkout(items, cardToken), headers: { 'idempotency-key': key } });
  }

  /** Polls the order until it reaches one of `statuses`. */
  async waitForStatus(token: string, orderId: string, statuses: string[], timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: ApiResponse | undefined;
    while (Date.now() < deadline) {
      last = await this.request('GET', `/api/v1/orders/${orderId}`, { token });
      if (last.status === 200 && statuses.includes(last.body.status)) return last.body;
      await sleep(25);
    }
    throw new Error(`order ${orderId} did not reach ${statuses.join('/')}: last ${last?.status} ${JSON.stringify(last?.body)}`);
  }
}

export function checkout(items: Array<{ productId: string; quantity: number }>, cardToken = 'tok_visa') {
  return {
    items,
    payment: { cardToken },
    shippingAddress: { name: 'Alice Example', line1: '1 Main Street', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' },
  };
}

export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}
