import type { Static, TSchema } from 'typebox';

/** `<entity>.<past-tense>.v<n>`: the version is part of the type, never changed in place. */
const EVENT_TYPE = /^[a-z]+(\.[a-z-]+)+\.v[0-9]+$/;

export interface EventDefinition<S extends TSchema = TSchema, T extends string = string> {
  type: T;
  producer: string;
  schema: S;
  /** The delivery promise consumers must be written for. */
  deliveryGuarantee: 'at-least-once';
  description: string;
}

export type EventData<E extends EventDefinition> = Static<E['schema']>;

/** Declares an event owned by its producer. Consumers import the definition, never re-declare it. */
export function defineEvent<const T extends string, const S extends TSchema>(
  producer: string,
  type: T,
  schema: S,
  description: string,
): EventDefinition<S, T> {
  if (!EVENT_TYPE.test(type)) throw new Error(`event type ${type} must read <entity>.<past-tense>.v<n>`);
  return { type, producer, schema, deliveryGuarantee: 'at-least-once', description };
}

/** What travels on the bus: CloudEvents-like metadata, the W3C trace context, and the payload. */
export interface EventEnvelope<Data = unknown, Type extends string = string> {
  id: string;
  type: Type;
  source: string;
  /** The aggregate the event is about (order id, product id...). */
  subject: string;
  time: string;
  traceparent?: string;
  data: Data;
}

/** An envelope of any of the given events, narrowed by its `type`. */
export type EnvelopeOf<Events extends readonly EventDefinition[]> = {
  [K in keyof Events]: Events[K] extends EventDefinition<infer S, infer T> ? EventEnvelope<Static<S>, T> : never;
}[number];
