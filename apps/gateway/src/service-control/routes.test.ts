import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { installProblemHandlers, problems, rootLogger, serializerCompiler, validatorCompiler } from '@agora/chassis';
import { registerServiceControlRoutes } from './routes.ts';
import type { ServiceControl } from './service-control.ts';

process.env.LOG_LEVEL ??= 'silent';

/** The routes as gateway.ts wires them, with every caller let through (access is tested end to end). */
async function gatewayWith(control: ServiceControl | undefined) {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app, rootLogger());
  registerServiceControlRoutes(app, ['catalog', 'orders'], control, async () => undefined);
  await app.ready();
  return app;
}

/** A supervisor whose one process hosts catalog and orders together, as the mixed topology's monolith. */
function monolith(): ServiceControl & { orders: string[] } {
  let down: string[] = [];
  const orders: string[] = [];
  return {
    orders,
    async stop(service) {
      orders.push(`stop ${service}`);
      if (down.length > 0) throw problems.conflict(`${service} is stopped already`);
      down = ['catalog', 'orders'];
      return { processes: ['catalog+orders-1'], services: down };
    },
    async start(service) {
      orders.push(`start ${service}`);
      down = [];
      return { processes: ['catalog+orders-2'], services: ['catalog', 'orders'] };
    },
    stopped: () => down,
  };
}

describe('stop and start routes', () => {
  it('stops and starts through the control, naming every process and service that went with it', async () => {
    const control = monolith();
    const app = await gatewayWith(control);
    const stopped = await app.inject({ method: 'POST', url: '/api/v1/admin/services/catalog/stop' });
    assert.equal(stopped.statusCode, 200);
    assert.deepEqual(stopped.json(), { service: 'catalog', running: false, processes: ['catalog+orders-1'], services: ['catalog', 'orders'] });
    // orders went down with catalog: stopping it again is a conflict, decided before the control is asked.
    const again = await app.inject({ method: 'POST', url: '/api/v1/admin/services/orders/stop' });
    assert.equal(again.statusCode, 409);
    assert.match(again.headers['content-type'] ?? '', /problem\+json/);
    const started = await app.inject({ method: 'POST', url: '/api/v1/admin/services/orders/start' });
    assert.deepEqual(started.json(), { service: 'orders', running: true, processes: ['catalog+orders-2'], services: ['catalog', 'orders'] });
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/services/catalog/start' })).statusCode, 409);
    assert.deepEqual(control.orders, ['stop catalog', 'start orders']);
    await app.close();
  });

  it('answers 404 for a service it does not route to, and 501 where nothing controls the services', async () => {
    const app = await gatewayWith(undefined);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/services/warehouse/stop' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/services/Catalog/stop' })).statusCode, 400);
    for (const action of ['stop', 'start']) {
      const answer = await app.inject({ method: 'POST', url: `/api/v1/admin/services/catalog/${action}` });
      assert.equal(answer.statusCode, 501);
      assert.match(answer.headers['content-type'] ?? '', /problem\+json/);
      assert.match(answer.json().detail, /not available in this deployment/);
    }
    await app.close();
  });
});
