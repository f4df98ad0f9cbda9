import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  isStorageUnavailable,
  loggableUrl,
  PRINCIPAL_HEADER,
  SpanKind,
  contextFromTraceparent,
  currentTraceparent,
  problems,
  sendProblem,
  withSpan,
  type ApiContract,
  type Principal,
  type RouteDefinition,
  type Logger,
  type ServiceDirectory,
  type TransportResponse,
} from '@agora/chassis';
import type { TokenVerifier } from './auth.ts';
import { readKey, requestHash, type IdempotencyStore, type StoredResponse } from './idempotency.ts';
import { isSignIn, type LoginThrottle } from './login-throttle.ts';
import type { Limiter } from './rate-limit.ts';
import type { CatalogCache } from './catalog-cache.ts';

/** Response headers a service may set that the client should see. */
const PASSED_HEADERS = ['content-type', 'location', 'deprecation', 'sunset', 'link', 'retry-after', 'www-authenticate'];

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface ProxyDeps {
  directory: ServiceDirectory;
  verifier: TokenVerifier;
  limiter: Limiter;
  idempotency: IdempotencyStore;
  /** Catalog read cache (in Redis, or in memory for a gateway on its own); absent, reads go straight through. */
  cache?: CatalogCache;
  /** Failed sign-ins per account and address; absent, sign-ins are limited like any request. */
  loginThrottle?: LoginThrottle;
  logger: Logger;
}

function pick(headers: TransportResponse['headers']): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON body passes through as text, but only if it is UTF-8 (RFC 8259): undecodable bytes are
 * refused here rather than turned into U+FFFD and stored as if the client had sent them.
 */
export function utf8Text(_request: FastifyRequest, body: Buffer | string, done: (error: Error | null, body?: string) => void): void {
  if (typeof body === 'string') return done(null, body);
  try {
    done(null, strictUtf8.decode(body));
  } catch {
    done(problems.malformed('body: not valid UTF-8', { errors: [{ field: 'body', message: 'is not valid UTF-8' }] }));
  }
}

/**
 * Authentication and authorization run in onRequest, before the body is even parsed: a caller
 * without the right token gets 401/403, never a validation error that reveals the route's shape.
 */
export async function authenticate(request: FastifyRequest, route: RouteDefinition, deps: ProxyDeps): Promise<void> {
  const principal = await deps.verifier.verify(request.headers.authorization).catch(async (error) => {
    // A bad token is charged to the caller's address, so guessing tokens is throttled like any traffic.
    await deps.limiter.take(`ip:${request.ip}`);
    if (route.access === 'public') return undefined;
    throw error;
  });
  if (route.access === 'user' || route.access === 'admin') {
    if (!principal) throw problems.unauthorized('a bearer token is required', { headers: { 'www-authenticate': 'Bearer' } });
    if (route.access === 'admin' && principal.role !== 'admin') throw problems.forbidden('this action needs the admin role');
  }
  request.principal = principal;
  await deps.limiter.take(principal ? `user:${principal.sub}` : `ip:${request.ip}`);
}

async function forward(request: FastifyRequest, service: string, deps: ProxyDeps): Promise<TransportResponse> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': request.id };
  const contentType = request.headers['content-type'];
  if (typeof contentType === 'string') headers['content-type'] = contentType;
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string') headers['idempotency-key'] = key;
  if (request.principal) headers[PRINCIPAL_HEADER] = JSON.stringify(request.principal);
  const traceparent = currentTraceparent();
  if (traceparent) headers.traceparent = traceparent;
  const rawBody = typeof request.body === 'string' ? request.body : undefined;
  return deps.directory.transport(service).request({ method: request.method as RouteDefinition['method'], url: request.url, headers, rawBody });
}

function send(reply: FastifyReply, response: StoredResponse, replayed: boolean): FastifyReply {
  reply.code(response.status).headers(response.headers);
  if (replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(response.body);
}

/**
 * Only an answer from a request that ran is kept for replay. Refused input (400), a conflict or
 * throttle (409, 429) and failures (5xx) free the key, so the corrected or retried request runs.
 */
function executed(status: number): boolean {
  return status < 500 && status !== 400 && status !== 409 && status !== 429;
}

async function handle(request: FastifyRequest, reply: FastifyReply, service: string, route: RouteDefinition, deps: ProxyDeps): Promise<FastifyReply> {
  const forwarded = async (): Promise<StoredResponse> => {
    const response = await forward(request, service, deps);
    return { status: response.status, headers: pick(response.headers), body: response.body };
  };
  const throttle = isSignIn(route) ? deps.loginThrottle : undefined;
  const fetch = throttle ? () => throttle.attempt(request.ip, typeof request.body === 'string' ? request.body : undefined, forwarded) : forwarded;
  // GET only: a HEAD on the same route gets an empty body, which must never be cached for a GET.
  if (deps.cache && service === 'catalog' && request.method === 'GET' && route.access === 'public') {
    const { response, hit } = await deps.cache.read(request.url, fetch);
    reply.header('x-cache', hit ? 'hit' : 'miss');
    return send(reply, response, false);
  }
  const { response, replayed } = route.idempotencyKey === 'required' ? await once(request, deps, fetch) : { response: await fetch(), replayed: false };
  // A change made through this gateway is visible at once; changes from elsewhere arrive as product.changed.v1.
  if (deps.cache && service === 'catalog' && route.method !== 'GET' && response.status < 300) await deps.cache.invalidateAfterWrite();
  return send(reply, response, replayed);
}

/** Runs a request once per Idempotency-Key: a repeat gets the first answer, replayed. */
async function once(request: FastifyRequest, deps: ProxyDeps, fetch: () => Promise<StoredResponse>): Promise<{ response: StoredResponse; replayed: boolean }> {
  const key = readKey(request.headers['idempotency-key']);
  const scope = request.principal?.sub ?? `ip:${request.ip}`;
  const hash = requestHash(request.method, request.url, typeof request.body === 'string' ? request.body : '');
  const claim = await deps.idempotency.claim(scope, key, hash);
  if (claim.kind === 'replay') return { response: claim.response, replayed: true };
  let response: StoredResponse;
  try {
    response = await fetch();
  } catch (error) {
    await deps.idempotency.release(scope, key);
    throw error;
  }
  if (executed(response.status)) await deps.idempotency.complete(scope, key, response);
  else await deps.idempotency.release(scope, key);
  return { response, replayed: false };
}

/** Exposes every public route of every contract, forwarding to the owning service. */
export function registerProxyRoutes(app: FastifyInstance, contracts: ApiContract[], deps: ProxyDeps): void {
  for (const contract of contracts) {
    for (const [operation, route] of Object.entries(contract.routes)) {
      if (route.access === 'internal') continue;
      app.route({
        method: route.method,
        url: route.path,
        onRequest: async (request) => authenticate(request, route, deps),
        handler: async (request, reply) => {
          const incoming = request.headers.traceparent;
          return withSpan(
            'gateway',
            `${contract.service}.${operation}`,
            SpanKind.SERVER,
            { 'http.request.method': route.method, 'http.route': route.path },
            async (span) => {
              const { traceId } = span.spanContext();
              reply.header('x-trace-id', traceId);
              try {
                return await handle(request, reply, contract.service, route, deps);
              } catch (error) {
                // The gateway's own database away (idempotency keys): 503 from the problem handler.
                if (error instanceof AppError || isStorageUnavailable(error)) throw error;
                deps.logger.error({ err: error, service: contract.service }, 'forwarding failed');
                return sendProblem(reply, problems.badGateway(`${contract.service} could not be reached`), request.url);
              } finally {
                deps.logger.info({ method: request.method, url: loggableUrl(request.url), route: route.path, status: reply.statusCode }, 'request');
              }
            },
            contextFromTraceparent(typeof incoming === 'string' ? incoming : undefined),
          );
        },
      });
    }
  }
}
