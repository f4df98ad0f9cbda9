import { fillPath, type ApiContract, type CallInput, type RouteDefinition, type SuccessBody } from '../contract/api.ts';
import { AppError, PROBLEM_BASE, problems, type ProblemBody } from '../contract/problems.ts';
import { downstreamPolicies, type DownstreamPolicies, type ResilienceOptions } from '../resilience/policies.ts';
import { callDuration, calls, fallbacks } from '../telemetry/metrics.ts';
import { SpanKind, currentTraceparent, withSpan } from '../telemetry/tracing.ts';
import type { Transport, TransportResponse } from './transport.ts';
import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';

/** Resolves a service name to how it is reached; the topology decides. */
export interface ServiceDirectory {
  transport(service: string): Transport;
  /**
   * Every live instance of a service, one transport each, where a service can have several (split
   * topology). Operator calls that concern every instance (faults, status, metrics) go to each.
   */
  instances?(service: string): Transport[];
}

/** One instance's answer to a call made on every instance. */
export type InstanceAnswer<T> = { ok: true; body: T } | { ok: false; error: AppError };

export interface CallOptions<T> {
  /** Served when the call fails for a non-terminal reason (down, slow, breaker open). */
  fallback?: () => T | Promise<T>;
  /** Acting user, forwarded so the callee can authorize. */
  principal?: string;
  /** Calls a contract every service implements (the chassis' own routes) on this service. */
  target?: string;
}

export type RouteOf<Api extends ApiContract, K extends keyof Api['routes']> = Api['routes'][K] extends RouteDefinition ? Api['routes'][K] : never;

export interface CallerOptions {
  caller: string;
  directory: ServiceDirectory;
  resilience: ResilienceOptions;
  /** Verification mode: every retriable call is made one extra time, to prove the retriable marks right. */
  extraRetry: boolean;
}

/** Typed calls to other services through their contracts, with the chassis' resilience policies. */
export class Caller {
  readonly #options: CallerOptions;
  readonly #policies = new Map<string, DownstreamPolicies>();

  constructor(options: CallerOptions) {
    this.#options = options;
  }

  breakerStates(): Record<string, string> {
    return Object.fromEntries([...this.#policies].map(([target, policies]) => [target, policies.breakerState()]));
  }

  async call<Api extends ApiContract, K extends keyof Api['routes'] & string>(
    api: Api,
    operation: K,
    input: CallInput<RouteOf<Api, K>>,
    options: CallOptions<SuccessBody<RouteOf<Api, K>>> = {},
  ): Promise<SuccessBody<RouteOf<Api, K>>> {
    const route = api.routes[operation] as RouteDefinition;
    const { caller } = this.#options;
    const target = options.target ?? api.service;
    const labels = { service: caller, target, operation };
    const policies = this.#policiesFor(target);
    const retriable = route.retriable !== false;
    const started = performance.now();
    try {
      const body = await withSpan(caller, `call ${target}.${operation}`, SpanKind.CLIENT, { 'rpc.service': target, 'rpc.method': operation }, () =>
        (retriable ? policies.retriable : policies.nonRetriable).execute(async ({ signal }) => {
          const transport = this.#options.directory.transport(target);
          if (retriable && this.#options.extraRetry) await this.#send(transport, route, input, options, signal);
          return this.#send(transport, route, input, options, signal);
        }),
      );
      calls.inc({ ...labels, outcome: 'ok' });
      return body as SuccessBody<RouteOf<Api, K>>;
    } catch (error) {
      calls.inc({ ...labels, outcome: outcomeOf(error) });
      const terminal = error instanceof AppError && error.terminal;
      if (options.fallback && !terminal) {
        fallbacks.inc(labels);
        return options.fallback();
      }
      throw asAppError(error, target);
    } finally {
      callDuration.observe(labels, (performance.now() - started) / 1000);
    }
  }

  /**
   * Calls the operation on every live instance of `options.target` at once, each with the call
   * deadline but no retry or breaker: an operator asking each instance must hear each answer,
   * including a failure. With one instance per service (embedded), that is one call.
   */
  async callEach<Api extends ApiContract, K extends keyof Api['routes'] & string>(
    api: Api,
    operation: K,
    input: CallInput<RouteOf<Api, K>>,
    options: CallOptions<never> & { target: string },
  ): Promise<InstanceAnswer<SuccessBody<RouteOf<Api, K>>>[]> {
    const { directory, resilience } = this.#options;
    const route = api.routes[operation] as RouteDefinition;
    const transports = directory.instances?.(options.target) ?? [directory.transport(options.target)];
    return Promise.all(
      transports.map((transport) =>
        this.#send(transport, route, input, options, AbortSignal.timeout(resilience.timeoutMs)).then(
          (body) => ({ ok: true as const, body: body as SuccessBody<RouteOf<Api, K>> }),
          (error: unknown) => ({ ok: false as const, error: asAppError(error, options.target) }),
        ),
      ),
    );
  }

  #policiesFor(target: string): DownstreamPolicies {
    let policies = this.#policies.get(target);
    if (!policies) {
      policies = downstreamPolicies(this.#options.caller, target, this.#options.resilience);
      this.#policies.set(target, policies);
    }
    return policies;
  }

  async #send(transport: Transport, route: RouteDefinition, input: CallInput<RouteDefinition>, options: CallOptions<unknown>, signal: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-agora-caller': this.#options.caller, ...input.headers };
    const traceparent = currentTraceparent();
    if (traceparent) headers.traceparent = traceparent;
    if (options.principal) headers['x-agora-principal'] = options.principal;
    const response = transport.dispatch
      ? await transport.dispatch({ route, params: input.params as Record<string, unknown> | undefined, query: input.query as Record<string, unknown> | undefined, body: input.body, headers, signal })
      : await transport.request({ method: route.method, url: fillPath(route.path, input.params as Record<string, unknown> | undefined) + queryString(input.query), headers, body: input.body, signal });
    if (response.status >= 200 && response.status < 300) return response.body ? JSON.parse(response.body) : undefined;
    throw problemFromResponse(response);
  }
}

function queryString(query: Record<string, unknown> | undefined): string {
  return query ? `?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
}

function outcomeOf(error: unknown): string {
  if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) return 'rejected';
  if (error instanceof TaskCancelledError) return 'timeout';
  return 'error';
}

/** Turns a non-2xx answer back into the AppError the callee raised, so 4xx keep their meaning. */
export function problemFromResponse(response: TransportResponse): AppError {
  let problem: Partial<ProblemBody> = {};
  try {
    problem = JSON.parse(response.body) as ProblemBody;
  } catch {
    // not a problem document: keep the status only
  }
  const code = typeof problem.type === 'string' && problem.type.startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : 'upstream';
  const { type: _type, title, status: _status, detail, errors, instance: _instance, ...extensions } = problem;
  return new AppError(code, response.status, title ?? 'Upstream error', { detail, errors, extensions });
}

function asAppError(error: unknown, target: string): AppError {
  if (error instanceof AppError) return error.terminal ? error : problems.badGateway(`${target} failed: ${error.message}`);
  if (error instanceof BrokenCircuitError) return problems.unavailable(`${target} is unavailable (circuit open)`);
  if (error instanceof BulkheadRejectedError) return problems.unavailable(`${target} is overloaded (bulkhead full)`);
  if (error instanceof TaskCancelledError) return problems.timeout(`${target} did not answer in time`);
  return problems.badGateway(`${target} failed: ${(error as Error).message}`);
}
