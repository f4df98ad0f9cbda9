/**
 * The chassis' error catalogue. Every error that crosses a service boundary is one of these, rendered
 * as RFC 9457 problem+json at one place (http/problem-handler.ts) with a stable `type`.
 */
export const PROBLEM_BASE = 'https://agora.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export interface ProblemOptions {
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** An error with an HTTP status and a problem type; handlers throw it, the chassis renders it. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly options: ProblemOptions;
  constructor(code: string, status: number, title: string, options: ProblemOptions = {}) {
    super(options.detail ?? title);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.options = options;
  }

  /** Business rejections and bad input are terminal: retrying them cannot succeed. */
  get terminal(): boolean {
    return this.status < 500 && this.status !== 408 && this.status !== 429;
  }

  /** Extensions come first: they add members, and can never replace `type`, `status` or the others (RFC 9457). */
  toProblem(instance?: string): ProblemBody {
    return {
      ...this.options.extensions,
      type: PROBLEM_BASE + this.code,
      title: this.title,
      status: this.status,
      ...(this.options.detail ? { detail: this.options.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.options.errors ? { errors: this.options.errors } : {}),
    };
  }
}

type Factory = (detail?: string, options?: Omit<ProblemOptions, 'detail'>) => AppError;
const problem = (code: string, status: number, title: string): Factory =>
  (detail, options = {}) => new AppError(code, status, title, { ...options, detail });

/** The catalogue: code, status, title. Services add their own codes with `defineProblem`. */
export const problems = {
  validation: problem('validation', 400, 'Request validation failed'),
  malformed: problem('malformed-request', 400, 'Malformed request'),
  unauthorized: problem('unauthorized', 401, 'Authentication required'),
  forbidden: problem('forbidden', 403, 'Not allowed'),
  notFound: problem('not-found', 404, 'Not found'),
  methodNotAllowed: problem('method-not-allowed', 405, 'Method not allowed'),
  conflict: problem('conflict', 409, 'Conflict'),
  payloadTooLarge: problem('payload-too-large', 413, 'Payload too large'),
  uriTooLong: problem('uri-too-long', 414, 'URI too long'),
  unsupportedMediaType: problem('unsupported-media-type', 415, 'Unsupported media type'),
  unprocessable: problem('unprocessable', 422, 'Unprocessable request'),
  rateLimited: problem('rate-limited', 429, 'Too many requests'),
  headersTooLarge: problem('headers-too-large', 431, 'Request header fields too large'),
  internal: problem('internal', 500, 'Internal error'),
  badGateway: problem('bad-gateway', 502, 'Upstream failed'),
  unavailable: problem('unavailable', 503, 'Service unavailable'),
  timeout: problem('timeout', 504, 'Upstream timed out'),
};

export const defineProblem = problem;
