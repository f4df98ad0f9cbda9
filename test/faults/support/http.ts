import type { Outcome } from './history.ts';

export interface Reply {
  status: number;
  body: any;
}

/**
 * One HTTP call with a client deadline. A timeout or a broken connection is thrown, and the
 * caller records it as `info`: the request may or may not have taken effect.
 */
export async function call(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; deadlineMs?: number } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.deadlineMs ?? 5_000),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : text };
}

/**
 * 2xx happened; a 4xx was refused before any effect (validation, conflict, rate limit); a 5xx
 * may have been answered after a write committed behind it, so its outcome is unknown.
 */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'fail';
  return 'info';
}
