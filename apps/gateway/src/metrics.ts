import type { FastifyInstance } from 'fastify';
import { aggregateMetrics, chassisApi, registry, type Caller, type ServiceDirectory } from '@agora/chassis';

/**
 * `/metrics` for the whole shop. In one process (embedded) the process registry already holds every
 * service's series. With services in processes of their own, the gateway asks each instance for its
 * series and sums them (counters and histograms add up; the breaker gauge shows the worst state), so
 * one scrape or the console still sees the system. Prometheus in production scrapes every instance
 * itself, with an `instance` label; this view is the single-target convenience.
 */
export function registerMetrics(app: FastifyInstance, services: string[], caller: Caller, directory: ServiceDirectory): void {
  app.get('/metrics', async (_request, reply) => {
    if (!directory.instances) return reply.type(registry.contentType).send(await registry.metrics());
    const answers = await Promise.all(services.map((service) => caller.callEach(chassisApi, 'metrics', {}, { target: service })));
    const remote = answers.flat().flatMap((answer) => (answer.ok ? [answer.body.metrics] : []));
    const { contentType, text } = await aggregateMetrics([await registry.getMetricsAsJSON(), ...remote]);
    return reply.type(contentType).send(text);
  });
}
