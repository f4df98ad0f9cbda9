import type { Static, TSchema } from 'typebox';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route through the gateway. `internal` routes are never exposed publicly. */
export type RouteAccess = 'public' | 'user' | 'admin' | 'internal';

export interface RouteDefinition {
  method: HttpMethod;
  /** Full public path, version included (`/api/v1/...`), or `/internal/v1/...` for service-to-service commands. */
  path: string;
  access: RouteAccess;
  summary: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  response: Record<number, TSchema>;
  /** Calls are retried by default; mark writes that are not idempotent so no client ever retries them. */
  retriable?: boolean;
  /** Writes through the gateway that need an `Idempotency-Key` header. */
  idempotencyKey?: 'required';
  /**
   * A superseded version: responses carry `Deprecation` and `Sunset` (RFC 9745, RFC 8594) and a
   * `Link` to the successor, a path with this route's parameters (`/api/v2/products/:id`).
   */
  deprecated?: { since: string; sunset: string; successor: string };
}

export interface ApiContract<Routes extends Record<string, RouteDefinition> = Record<string, RouteDefinition>> {
  service: string;
  version: string;
  routes: Routes;
}

/** Declares a service's HTTP contract; handlers and clients are typed from it. */
export function defineApi<const Routes extends Record<string, RouteDefinition>>(
  service: string,
  version: string,
  routes: Routes,
): ApiContract<Routes> {
  return { service, version, routes };
}

type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback;

export type RouteInput<R extends RouteDefinition> = {
  params: StaticOr<R['params'], Record<string, never>>;
  query: StaticOr<R['querystring'], Record<string, never>>;
  body: StaticOr<R['body'], undefined>;
};

/** What a caller supplies: only the parts the route declares. */
export type CallInput<R extends RouteDefinition> = (R['params'] extends TSchema ? { params: Static<R['params']> } : { params?: undefined }) &
  (R['querystring'] extends TSchema ? { query?: Static<R['querystring']> } : { query?: undefined }) &
  (R['body'] extends TSchema ? { body: Static<R['body']> } : { body?: undefined }) & {
    headers?: Record<string, string>;
  };

export type SuccessStatus<R extends RouteDefinition> = Extract<keyof R['response'], 200 | 201 | 202 | 204>;

export type RouteReply<R extends RouteDefinition> = {
  [S in keyof R['response'] & number]: {
    status: S;
    body: Static<R['response'][S]>;
    headers?: Record<string, string>;
  };
}[keyof R['response'] & number];

export type SuccessBody<R extends RouteDefinition> = Static<R['response'][SuccessStatus<R>]>;

/** Fills `:name` segments of a route path. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}
