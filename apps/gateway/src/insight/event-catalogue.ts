import type { FastifyInstance } from 'fastify';
import { asyncApiFor, chassisApi, type AsyncApiDocument, type Caller, type EventDefinition } from '@agora/chassis';
import { catalogEvents } from '@agora/catalog/contract/events';
import { identityEvents } from '@agora/identity/contract/events';
import { inventoryEvents } from '@agora/inventory/contract/events';
import { orderEvents } from '@agora/orders/contract/events';
import { paymentEvents } from '@agora/payments/contract/events';
import { shippingEvents } from '@agora/shipping/contract/events';

/** Every event of the system, from its producer's contract. */
export const allEvents: EventDefinition[] = [...identityEvents, ...catalogEvents, ...orderEvents, ...inventoryEvents, ...paymentEvents, ...shippingEvents];

/**
 * `GET /asyncapi.json`: the AsyncAPI 3.0 document of every event, next to `/openapi.json`. Events,
 * payloads and producers come from the contracts; who consumes what is not in any contract (a
 * service's consumers are its own business), so it is what the running services declare. The
 * document is kept once every service has answered; until then it is made again on each request.
 */
export function registerEventCatalogue(app: FastifyInstance, caller: Caller, services: string[]): void {
  const consumes = new Map<string, string[]>();
  let complete: AsyncApiDocument | undefined;
  app.get('/asyncapi.json', async () => {
    if (complete) return complete;
    await Promise.all(
      services.map(async (service) => {
        const answers = await caller.callEach(chassisApi, 'describe', {}, { target: service }).catch(() => []);
        const described = answers.flatMap((answer) => (answer.ok ? answer.body.consumes : []));
        if (answers.some((answer) => answer.ok)) consumes.set(service, [...new Set(described)]);
      }),
    );
    const document = asyncApiFor(
      { title: 'Agora events', version: '1.0.0', description: 'Every event of Agora on its bus, at-least-once; each is owned by its producer. The HTTP API is in /openapi.json.' },
      allEvents,
      services.map((service) => ({ service, publishes: allEvents.filter((event) => event.producer === service).map((event) => event.type), consumes: consumes.get(service) ?? [] })),
    );
    if (services.every((service) => consumes.has(service))) complete = document;
    return document;
  });
}
