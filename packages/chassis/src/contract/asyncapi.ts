import type { EventDefinition } from './events.ts';

export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description?: string };
  defaultContentType: 'application/json';
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components: { messages: Record<string, unknown> };
}

/** Who takes part in the events: what one service publishes and what its consumers take, by event type. */
export interface EventParticipant {
  service: string;
  publishes: string[];
  consumes: string[];
}

/** The envelope fields every event travels with (`EventEnvelope` minus `data`). */
function envelopeHeaders(type: string) {
  return {
    type: 'object',
    required: ['id', 'type', 'source', 'subject', 'time'],
    properties: {
      id: { type: 'string', description: 'Event id; the bus drops a re-published id, consumers deduplicate by it' },
      type: { type: 'string', const: type },
      source: { type: 'string', description: 'The producing service' },
      subject: { type: 'string', description: 'The aggregate the event is about (an order id, a product id…)' },
      time: { type: 'string', format: 'date-time' },
      traceparent: { type: 'string', description: 'W3C trace context of the transaction that published it' },
    },
  };
}

/** JSON Schema objects as JSON (TypeBox keeps its own markers non-enumerable). */
function plain(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/**
 * An AsyncAPI 3.0 document made directly from event definitions, as the OpenAPI one is from route
 * contracts: a channel per event type, its message with the payload schema the producer checks
 * before publishing, the producer's `send` operation and a `receive` operation per consuming service.
 *
 * On the wire (SQLite stream, NATS subject `events.<type>`, RabbitMQ routing key `<type>`) an event
 * is one JSON object: the message's header fields at the top level and the payload under `data`.
 */
export function asyncApiFor(info: AsyncApiDocument['info'], events: EventDefinition[], participants: EventParticipant[]): AsyncApiDocument {
  const document: AsyncApiDocument = { asyncapi: '3.0.0', info, defaultContentType: 'application/json', channels: {}, operations: {}, components: { messages: {} } };
  const known = new Map(events.map((event) => [event.type, event]));
  for (const event of known.values()) {
    document.components.messages[event.type] = {
      name: event.type,
      title: event.type,
      summary: event.description,
      contentType: 'application/json',
      headers: envelopeHeaders(event.type),
      payload: plain(event.schema),
      'x-producer': event.producer,
      'x-delivery-guarantee': event.deliveryGuarantee,
    };
    document.channels[event.type] = {
      address: event.type,
      title: event.type,
      description: `${event.description} Published by ${event.producer}, delivered ${event.deliveryGuarantee}.`,
      messages: { [event.type]: { $ref: `#/components/messages/${event.type}` } },
    };
  }
  const operation = (service: string, action: 'send' | 'receive', type: string) => {
    if (!known.has(type)) return;
    document.operations[`${service}.${action}.${type}`] = {
      action,
      channel: { $ref: `#/channels/${type}` },
      messages: [{ $ref: `#/channels/${type}/messages/${type}` }],
      summary: action === 'send' ? `${service} publishes ${type} (transactional outbox)` : `${service} consumes ${type} (deduplicated by its inbox)`,
      'x-service': service,
    };
  };
  for (const participant of participants) {
    for (const type of participant.publishes) operation(participant.service, 'send', type);
    for (const type of participant.consumes) operation(participant.service, 'receive', type);
  }
  return document;
}
