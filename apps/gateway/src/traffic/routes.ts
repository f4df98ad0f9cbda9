import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { Type, type Caller } from '@agora/chassis';
import { inventoryRestock } from './restock.ts';
import { MAX_RATE, MIN_RATE, TrafficGenerator } from './traffic-generator.ts';

const TrafficRate = Type.Object(
  { rate: Type.Integer({ minimum: MIN_RATE, maximum: MAX_RATE, description: 'operations per second' }) },
  { additionalProperties: false },
);

/**
 * The operator's traffic generator (admin only): `GET` its status, `PUT {rate}` to start it or
 * change its rate, `DELETE` to stop it. It calls this gateway's own public URL over HTTP, so its
 * requests take the same path as any client's, and restocks what runs low as the admin who started
 * it. It stops before the gateway closes, so it never holds up a shutdown.
 */
export function registerTrafficRoutes(app: FastifyInstance, onRequest: onRequestAsyncHookHandler, caller: Caller): TrafficGenerator {
  const generator = new TrafficGenerator({ baseUrl: () => ownUrl(app) });
  app.addHook('preClose', async () => {
    await generator.stop();
  });
  app.get('/api/v1/admin/traffic', { onRequest }, async () => generator.status());
  app.put<{ Body: { rate: number } }>('/api/v1/admin/traffic', { onRequest, schema: { body: TrafficRate } }, async (request) =>
    generator.start(request.body.rate, inventoryRestock(caller, request.principal!)),
  );
  app.delete('/api/v1/admin/traffic', { onRequest }, async () => generator.stop());
  return generator;
}

/** Where this gateway listens, as a client reaches it: a wildcard address means this machine. */
function ownUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('the gateway is not listening');
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
