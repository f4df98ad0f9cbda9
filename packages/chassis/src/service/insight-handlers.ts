import type { Kysely } from 'kysely';
import type { chassisApi } from '../contract/chassis-api.ts';
import type { ContractRouteSummary } from '../contract/self-report.ts';
import { eventsAbout } from '../events/subject-events.ts';
import type { Handlers } from '../http/routes.ts';
import { recentLogs } from '../telemetry/logger.ts';
import type { ServiceDefinition } from './define-service.ts';

/** What a service offers callers, for its self-report: its API's version and routes, and its events. */
export function contractReport(definition: ServiceDefinition) {
  const routes: ContractRouteSummary[] = Object.entries(definition.api.routes)
    .filter(([, route]) => route.access !== 'internal')
    .map(([operation, route]) => ({ operation, method: route.method, path: route.path, access: route.access, summary: route.summary, ...(route.deprecated ? { deprecated: true } : {}) }));
  return {
    api: { version: definition.api.version, routes },
    events: definition.publishes.map((event) => ({ type: event.type, description: event.description })),
  };
}

/** The chassis routes that let operators look inside a service: its recent logs, and its events about one subject. */
export function insightHandlers(service: string, db: Kysely<any>): Pick<Handlers<typeof chassisApi>, 'logs' | 'subjectEvents'> {
  return {
    logs: async ({ query }) => ({ status: 200, body: { items: recentLogs({ service, traceId: query.traceId, limit: query.limit ?? 100 }) } }),
    subjectEvents: async ({ params }) => ({ status: 200, body: await eventsAbout(db, params.subject) }),
  };
}
