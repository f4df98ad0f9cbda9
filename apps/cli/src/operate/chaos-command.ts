import { parseArgs } from 'node:util';
import { numberOption, shopUrl } from './shop-url.ts';

/** The demo admin account of a shop started with sample data. */
const DEMO_ADMIN = { email: 'admin@example.com', password: 'admin-password' };

/**
 * `agora chaos <service> --latency MS --errors RATE | --stop | --start`: the operator API's fault
 * injection and stop/start, from the command line. Signs in with `--token`, or `--email` and
 * `--password` (default: the demo admin). Prints the shop's answer; exit 1 when it refused.
 */
export async function chaosCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      latency: { type: 'string' },
      errors: { type: 'string' },
      stop: { type: 'boolean' },
      start: { type: 'boolean' },
      url: { type: 'string' },
      token: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const [service, ...extra] = positionals;
  if (!service || extra.length > 0) throw new Error('name one service: agora chaos <service> …');
  const faults = values.latency !== undefined || values.errors !== undefined;
  if (Number(faults) + Number(values.stop ?? false) + Number(values.start ?? false) !== 1) throw new Error('give one of: --latency MS and/or --errors RATE, --stop, --start');
  const url = shopUrl(values.url);
  const path = `/api/v1/admin/services/${encodeURIComponent(service)}`;
  // An unset one of the two is cleared: the faults given are the service's faults from now on.
  const order = faults
    ? {
        method: 'PUT',
        path: `${path}/faults`,
        body: { latencyMs: numberOption('latency', values.latency ?? '0', { min: 0, max: 60_000, integer: true }), errorRate: numberOption('errors', values.errors ?? '0', { min: 0, max: 1 }) },
      }
    : { method: 'POST', path: `${path}/${values.stop ? 'stop' : 'start'}`, body: undefined };
  const token = values.token ?? (await signIn(url, values.email ?? DEMO_ADMIN.email, values.password ?? DEMO_ADMIN.password));
  const answer = await send(url, token, order.method, order.path, order.body);
  process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
  return answer.status < 300 ? 0 : 1;
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const answer = await send(url, undefined, 'POST', '/api/v1/auth/token', { email, password });
  if (answer.status !== 200) throw new Error(`sign-in as ${email} failed: ${answer.status} ${answer.body?.detail ?? answer.body?.title ?? ''}`);
  return answer.body.access_token as string;
}

async function send(url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch((error: Error) => {
    throw new Error(`${url} did not answer: ${(error.cause as Error | undefined)?.message ?? error.message}`);
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
