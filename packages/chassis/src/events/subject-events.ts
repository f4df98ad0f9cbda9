import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../contract/events.ts';
import type { SubjectEventsReport } from '../contract/insight-report.ts';

/** The trace id inside a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const traceId = traceparent?.split('-')[1];
  return traceId && /^[0-9a-f]{32}$/.test(traceId) ? traceId : undefined;
}

/**
 * Everything this service's store says about one subject, read from the chassis' own tables: what
 * it published (outbox rows, kept a while after they went out), what its consumers handled (inbox
 * rows, with the delivery attempt) and what they parked (dead letters). Each list oldest first.
 */
export async function eventsAbout(db: Kysely<any>, subject: string): Promise<SubjectEventsReport> {
  const [outbox, inbox, parked] = await Promise.all([
    db.selectFrom('outbox').select(['id', 'type', 'envelope', 'created_at']).where('subject', '=', subject).orderBy('seq').execute(),
    db.selectFrom('inbox').select(['consumer', 'event_id', 'event_type', 'handled_at', 'attempts']).where('subject', '=', subject).orderBy('handled_at').execute(),
    db.selectFrom('dead_letters').select(['consumer', 'event_id', 'envelope', 'error', 'attempts', 'failed_at', 'replayed_at']).where('subject', '=', subject).orderBy('seq').execute(),
  ]);
  return {
    published: outbox.map((row) => {
      const traceId = traceIdOf((JSON.parse(row.envelope as string) as EventEnvelope).traceparent);
      return { eventId: row.id, type: row.type, at: row.created_at, ...(traceId ? { traceId } : {}) };
    }),
    handled: inbox.map((row) => ({
      eventId: row.event_id,
      type: row.event_type,
      consumer: row.consumer,
      at: row.handled_at,
      ...(row.attempts === null || row.attempts === undefined ? {} : { attempts: Number(row.attempts) }),
    })),
    deadLettered: parked.map((row) => ({
      eventId: row.event_id,
      type: (JSON.parse(row.envelope as string) as EventEnvelope).type,
      consumer: row.consumer,
      at: row.failed_at,
      attempts: Number(row.attempts),
      error: row.error,
      ...(row.replayed_at ? { replayedAt: row.replayed_at } : {}),
    })),
  };
}
