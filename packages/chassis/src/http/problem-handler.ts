import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, problems } from '../contract/problems.ts';
import { loggableUrl } from '../telemetry/loggable-url.ts';
import type { Logger } from '../telemetry/logger.ts';
import { isConnectionLost, isMysqlRetriable, isPostgresRetriable } from '../storage/sql-errors.ts';
import { fieldOf } from './validation.ts';
import { InjectedFault } from './faults.ts';

export function sendProblem(reply: FastifyReply, error: AppError, instance?: string): FastifyReply {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  return reply.code(error.status).type('application/problem+json').send(JSON.stringify(error.toProblem(instance)));
}

/** A 400 naming each field of one request part (`body`, `querystring`, `params`) that its schema refused. */
export function validationProblem(validation: ErrorObject[], part: string): AppError {
  const errors = validation.map((item) => ({ field: fieldOf(item, part), message: item.message ?? 'is invalid' }));
  return problems.validation(errors.map((item) => `${item.field} ${item.message}`).join('; '), { errors });
}

/** Maps Fastify's own errors (validation, parsing, limits) into the catalogue. */
export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) return validationProblem(error.validation as ErrorObject[], error.validationContext ?? 'body');
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.unsupportedMediaType('send application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.payloadTooLarge(error.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.malformed('body: a JSON body is required', { errors: [{ field: 'body', message: 'is required' }] });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problems.malformed('body: not valid JSON', { errors: [{ field: 'body', message: 'is not valid JSON' }] });
    case 'FST_ERR_BAD_URL':
      return problems.malformed('the path is not valid percent-encoded UTF-8', { errors: [{ field: 'path', message: 'is not valid percent-encoding' }] });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problems.uriTooLong('a path parameter is longer than this API accepts', { errors: [{ field: 'path', message: 'has a parameter that is too long' }] });
  }
  if (error instanceof SyntaxError) return problems.malformed('body: not valid JSON', { errors: [{ field: 'body', message: 'is not valid JSON' }] });
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('bad-request', error.statusCode, 'Bad request', { detail: error.message });
  }
  if (isStorageUnavailable(error)) return problems.unavailable('storage is unavailable or busy; retry shortly', { headers: { 'retry-after': '2' } });
  return problems.internal('the request could not be completed');
}

/**
 * The database went away (restart, failover), or a transaction kept colliding after all its
 * retries: nothing was written, and the same request later will go through, so it is a 503 with
 * Retry-After rather than a 500 (which would say the service is broken).
 */
export function isStorageUnavailable(error: unknown): boolean {
  return isConnectionLost(error) || isPostgresRetriable(error) || isMysqlRetriable(error);
}

/** Fastify's errors raised before any route is found (an undecodable URL, an overlong path parameter), as problem+json. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // Answered outside every route's hooks, so the security headers are set here.
  reply.header('x-content-type-options', 'nosniff');
  void sendProblem(reply, toAppError(error), request.url.split('?')[0]);
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers over the size limit, a
 * request line that is not HTTP) is answered as problem+json too, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problems.headersTooLarge('the request headers are larger than this server accepts')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request-timeout', 408, 'Request timeout', { detail: 'the request was not received in time' })
        : problems.malformed('the request is not valid HTTP');
  const body = JSON.stringify(problem.toProblem());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * A server error is logged with its stack, which never reaches the client. An injected fault, the
 * operator's own doing, is a warning without one, and so is a 503: a dependency with no live
 * instance, an open breaker or a full bulkhead is a state of the system (its metrics and alerts
 * count it), not a fault in this code, and its stack would be the same lines every time.
 * Client errors are the access log's business.
 */
export function logServerError(logger: Logger, error: unknown, problem: AppError, fields: { method: string; url: string }): void {
  if (problem.status < 500) return;
  if (error instanceof InjectedFault) logger.warn(fields, 'injected fault');
  else if (problem.status === 503) logger.warn({ ...fields, detail: problem.message }, 'unavailable');
  else logger.error({ err: error, ...fields }, 'request failed');
}

/** Every error leaves as problem+json. */
export function installProblemHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const problem = toAppError(error);
    logServerError(logger, error, problem, { method: request.method, url: loggableUrl(request.url) });
    return sendProblem(reply, problem, request.url.split('?')[0]);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problems.notFound(`no route ${request.method} ${request.url.split('?')[0]}`), request.url.split('?')[0]));
}
