import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { defineApi, fillPath, type RouteDefinition } from '../contract/api.ts';
import { problems } from '../contract/problems.ts';
import type { DispatchRequest, TransportResponse } from '../calls/transport.ts';
import { recentLogs, serviceLogger } from '../telemetry/logger.ts';
import { httpRequests } from '../telemetry/metrics.ts';
import { DirectRoutes } from './direct-routes.ts';
import { installFaultHook, noFaults, type Faults } from './faults.ts';
import { registerRoutes, reply, type Handlers } from './routes.ts';
import { createServiceApp } from './service-app.ts';

const api = defineApi('widgets', '1.0.0', {
  read: {
    method: 'GET',
    path: '/internal/v1/widgets/:id',
    access: 'internal',
    summary: 'one widget',
    params: Type.Object({ id: Type.String({ maxLength: 20 }) }),
    querystring: Type.Object({ size: Type.Optional(Type.Integer({ minimum: 1 })), tags: Type.Optional(Type.String()) }, { additionalProperties: false }),
    response: { 200: Type.Object({ id: Type.String(), size: Type.Integer(), tags: Type.String() }) },
  },
  write: {
    method: 'POST',
    path: '/internal/v1/widgets',
    access: 'internal',
    summary: 'store one',
    body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    response: { 201: Type.Object({ name: Type.String(), count: Type.Integer() }) },
  },
  mine: { method: 'GET', path: '/api/v1/widgets/mine', access: 'user', summary: 'the caller', response: { 200: Type.Object({ sub: Type.String() }) } },
  purge: { method: 'DELETE', path: '/api/v1/widgets', access: 'admin', summary: 'purge', response: { 204: Type.Null() } },
  broken: { method: 'GET', path: '/internal/v1/broken', access: 'internal', summary: 'fails', response: { 200: Type.Object({}) } },
  refuse: { method: 'GET', path: '/internal/v1/refuse', access: 'internal', summary: 'a business refusal', response: { 200: Type.Object({}) } },
  busy: { method: 'GET', path: '/internal/v1/busy', access: 'internal', summary: 'a dependency is down', response: { 200: Type.Object({}) } },
  old: {
    method: 'GET',
    path: '/api/v0/widgets/:id',
    access: 'public',
    summary: 'the old read',
    params: Type.Object({ id: Type.String() }),
    response: { 200: Type.Object({ n: Type.Integer() }) },
    deprecated: { since: '2026-01-01T00:00:00Z', sunset: '2027-01-01T00:00:00Z', successor: '/api/v1/widgets/:id' },
  },
});

/** What the handlers saw last, to prove the callee gets its own copy of the input. */
let lastBody: { name: string; count: number } | undefined;

const handlers: Handlers<typeof api> = {
  // An extra property in the answer: the response schema drops it on both paths.
  read: async ({ params, query }) => reply.ok({ id: params.id, size: query.size ?? 1, tags: query.tags ?? '', secret: 'not in the contract' } as never),
  write: async ({ body }) => {
    lastBody = body;
    body.count += 1000;
    return { status: 201 as const, body: { name: body.name, count: body.count - 1000 }, headers: { location: `/internal/v1/widgets/${body.name}` } };
  },
  mine: async ({ principal }) => reply.ok({ sub: principal!.sub }),
  purge: async () => ({ status: 204 as const, body: null }),
  broken: async () => {
    throw new Error('the disk is on fire');
  },
  refuse: async () => {
    throw problems.conflict('already there', { headers: { 'retry-after': '3' } });
  },
  busy: async () => {
    throw problems.unavailable('no live instance of gadgets');
  },
  old: async () => reply.ok({ n: 1 }),
};

let faults: Faults = noFaults;
const logger = serviceLogger('widgets');
const routes = new DirectRoutes({ service: 'widgets', logger, faults: () => faults, bodyLimitBytes: 64 * 1024 });
const app = await createServiceApp({ service: 'widgets', description: 'test', contracts: [api], logger, readiness: async () => ({}) });
installFaultHook(app, () => faults);
registerRoutes(app, 'widgets', api, handlers, routes);

type Case = Omit<DispatchRequest, 'headers'> & { headers?: Record<string, string> };

function viaHttp(call: Case): Promise<TransportResponse> {
  const query = call.query ? `?${new URLSearchParams(Object.entries(call.query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
  return app
    .inject({
      method: call.route.method,
      url: fillPath(call.route.path, call.params) + query,
      headers: { ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
      payload: call.body === undefined ? undefined : JSON.stringify(call.body),
    })
    .then((response) => ({ status: response.statusCode, headers: response.headers as TransportResponse['headers'], body: response.body }));
}

/** Both paths answer: status and body must be the same, and the headers a caller acts on. */
async function same(call: Case, expectedStatus: number): Promise<{ status: number; body: unknown; headers: TransportResponse['headers'] }> {
  const http = await viaHttp(call);
  const direct = await routes.dispatch({ headers: {}, ...call });
  assert.equal(direct.status, expectedStatus, direct.body);
  assert.equal(http.status, direct.status, `HTTP answered ${http.status} ${http.body}, in-process ${direct.status} ${direct.body}`);
  const parse = (text: string) => (text === '' ? undefined : JSON.parse(text));
  assert.deepEqual(parse(direct.body), parse(http.body));
  for (const name of ['location', 'retry-after', 'deprecation', 'sunset', 'link']) assert.equal(direct.headers[name], http.headers[name], name);
  assert.equal(String(direct.headers['content-type']).split(';')[0], String(http.headers['content-type']).split(';')[0]);
  return { status: direct.status, body: parse(direct.body), headers: direct.headers };
}

const route = (operation: keyof typeof api.routes) => api.routes[operation] as RouteDefinition;

describe('in-process dispatch answers as the service over HTTP does', () => {
  before(() => app.ready());
  after(() => app.close());

  it('converts parameters and query values by the schema, and drops what the response schema does not name', async () => {
    const answer = await same({ route: route('read'), params: { id: 'w-1' }, query: { size: 3, tags: undefined } }, 200);
    assert.deepEqual(answer.body, { id: 'w-1', size: 3, tags: '' });
    await same({ route: route('read'), params: { id: 'w-1' }, query: { size: '3' } }, 200);
  });

  it('refuses bad input with the same problem naming the field', async () => {
    const refused = await same({ route: route('write'), body: { name: '', count: 0 } }, 400);
    assert.deepEqual(
      (refused.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field),
      ['body/name', 'body/count'],
    );
    await same({ route: route('write'), body: { name: 'a', count: 1, extra: true } }, 400);
    await same({ route: route('write') }, 400);
    await same({ route: route('read'), params: { id: 'x' }, query: { size: 0 } }, 400);
    await same({ route: route('read'), params: { id: 'x'.repeat(21) } }, 400);
    await same({ route: route('write'), body: { name: 'a\u0000b', count: 1 } }, 400);
    await same({ route: route('read'), params: { id: 'a\u0000' } }, 400);
  });

  it('refuses a body over the limit with 413', async () => {
    await same({ route: route('write'), body: { name: 'x'.repeat(70 * 1024), count: 1 } }, 413);
  });

  it('gives the callee its own copy of the body, and passes on its headers', async () => {
    const sent = { name: 'gear', count: 2 };
    const stored = await same({ route: route('write'), body: sent }, 201);
    assert.deepEqual(stored.body, { name: 'gear', count: 2 });
    assert.equal(stored.headers.location, '/internal/v1/widgets/gear');
    assert.deepEqual(sent, { name: 'gear', count: 2 }, 'what the handler changed is its own');
    assert.notEqual(lastBody, sent);
  });

  it('re-checks access from the principal header', async () => {
    await same({ route: route('mine') }, 401);
    const customer = JSON.stringify({ sub: 'u-1', role: 'customer' });
    const mine = await same({ route: route('mine'), headers: { 'x-agora-principal': customer } }, 200);
    assert.deepEqual(mine.body, { sub: 'u-1' });
    await same({ route: route('purge'), headers: { 'x-agora-principal': customer } }, 403);
    await same({ route: route('purge'), headers: { 'x-agora-principal': JSON.stringify({ sub: 'u-2', role: 'admin' }) } }, 204);
  });

  it('turns a crash into a 500 problem without its message, and a refusal into its own problem and headers', async () => {
    const crashed = await same({ route: route('broken') }, 500);
    assert.doesNotMatch(JSON.stringify(crashed.body), /fire/);
    const refused = await same({ route: route('refuse') }, 409);
    assert.equal(refused.headers['retry-after'], '3');
  });

  it('logs a crash as an error with its stack, and a 503 (a dependency down, a breaker open) as a warning naming why, without one', async () => {
    await same({ route: route('broken') }, 500);
    await same({ route: route('busy') }, 503);
    const lines = recentLogs({ service: 'widgets', limit: 20 }).filter((line) => ['/internal/v1/broken', '/internal/v1/busy'].includes(line.fields.url as string));
    assert.deepEqual(
      lines.slice(-4).map((line) => [line.level, line.msg, line.fields.url, 'err' in line.fields, line.fields.detail]),
      [
        ['error', 'request failed', '/internal/v1/broken', true, undefined],
        ['error', 'request failed', '/internal/v1/broken', true, undefined],
        ['warn', 'unavailable', '/internal/v1/busy', false, 'no live instance of gadgets'],
        ['warn', 'unavailable', '/internal/v1/busy', false, 'no live instance of gadgets'],
      ],
    );
  });

  it('sends a deprecated route\'s Deprecation, Sunset and a Link to this resource in the successor version', async () => {
    const old = await same({ route: route('old'), params: { id: 'w 1' } }, 200);
    assert.equal(old.headers.link, '</api/v1/widgets/w%201>; rel="successor-version"');
    assert.equal(old.headers.deprecation, `@${Date.parse('2026-01-01T00:00:00Z') / 1000}`);
  });

  it('applies injected faults to the service\'s routes, logged as warnings without a stack', async () => {
    faults = { latencyMs: 0, errorRate: 1 };
    try {
      await same({ route: route('read'), params: { id: 'x' } }, 503);
    } finally {
      faults = noFaults;
    }
    const lines = recentLogs({ service: 'widgets', limit: 10 }).filter((line) => line.fields.url === '/internal/v1/widgets/x');
    assert.deepEqual(
      lines.map((line) => [line.level, line.msg, 'err' in line.fields]),
      [['warn', 'injected fault', false], ['warn', 'injected fault', false]],
    );
  });

  it('counts what it answered in the service\'s RED metrics, by route and status', async () => {
    const count = async (status: string) =>
      (await httpRequests.get()).values.find((value) => value.labels.service === 'widgets' && value.labels.route === '/internal/v1/widgets' && value.labels.status === status)?.value ?? 0;
    const before = { created: await count('201'), refused: await count('400') };
    await routes.dispatch({ route: route('write'), body: { name: 'n', count: 1 }, headers: {} });
    await routes.dispatch({ route: route('write'), body: { name: 'n', count: 0 }, headers: {} });
    assert.equal(await count('201'), before.created + 1);
    assert.equal(await count('400'), before.refused + 1);
  });
});
