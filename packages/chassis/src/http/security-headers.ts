import type { FastifyInstance } from 'fastify';
import { PRINCIPAL_HEADER } from './routes.ts';

/**
 * Headers on every answer: browsers must not sniff a JSON or problem body into something they
 * would run, and no cache may keep the answer to a signed-in caller (an order, a user) or to a
 * write (a new token, an account) for the next one. Answers that chose their own caching (static
 * assets) keep it.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    const signedIn = request.headers.authorization !== undefined || request.headers[PRINCIPAL_HEADER] !== undefined;
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    if ((signedIn || write) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
