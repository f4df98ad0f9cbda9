import { Type, type Static } from 'typebox';

/** A trace id as W3C trace context writes it. */
export const TraceId = Type.String({ pattern: '^[0-9a-f]{32}$', description: '32 lowercase hex digits' });

export const LogQuery = Type.Object(
  {
    traceId: Type.Optional(TraceId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'the newest this many matching lines' })),
  },
  { additionalProperties: false },
);

/** One log line: the fields every line has, and everything else the line carried under `fields`. */
export const LogLine = Type.Object({
  time: Type.String(),
  level: Type.Union([Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('fatal')]),
  msg: Type.String(),
  service: Type.String(),
  traceId: Type.Optional(Type.String()),
  spanId: Type.Optional(Type.String()),
  pid: Type.Integer(),
  fields: Type.Record(Type.String(), Type.Unknown()),
});

/**
 * What one service's own store holds about one subject (an order id, a product id…): the events it
 * published about it (its outbox), the ones it handled (its inbox) and the ones it parked.
 */
export const SubjectEvents = Type.Object({
  published: Type.Array(Type.Object({ eventId: Type.String(), type: Type.String(), at: Type.String(), traceId: Type.Optional(Type.String()) })),
  handled: Type.Array(Type.Object({ eventId: Type.String(), type: Type.String(), consumer: Type.String(), at: Type.String(), attempts: Type.Optional(Type.Integer()) })),
  deadLettered: Type.Array(
    Type.Object({ eventId: Type.String(), type: Type.String(), consumer: Type.String(), at: Type.String(), attempts: Type.Integer(), error: Type.String(), replayedAt: Type.Optional(Type.String()) }),
  ),
});

export type LogLineRecord = Static<typeof LogLine>;
export type SubjectEventsReport = Static<typeof SubjectEvents>;
