import type { SubjectEventsReport } from '@agora/chassis';
import { inventoryReleased } from '@agora/inventory/contract/events';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { paymentRefunded } from '@agora/payments/contract/events';
import { shipmentCancelled } from '@agora/shipping/contract/events';
import type { SagaStep, SagaTimeline } from '../console-api/contract.ts';

/**
 * Events that undo or call off an earlier step: the saga's compensations. Decided by type alone, so
 * the timeline needs no knowledge of either saga style (both publish the same events).
 */
const COMPENSATIONS: ReadonlySet<string> = new Set([orderCancelled.type, inventoryReleased.type, paymentRefunded.type, shipmentCancelled.type]);
/** The order status a cancellation ends in. */
const CANCELLED = 'CANCELLED';

export interface OrderHistory {
  id: string;
  status: string;
  saga: string;
  history: Array<{ status: string; reason: string | null; at: string }>;
}

export type ServiceReport = { service: string; ok: true; events: SubjectEventsReport } | { service: string; ok: false };

/** Same instant: what was handled comes before the status it changed, which comes before what it published. */
const KIND_ORDER: Record<SagaStep['kind'], number> = { handled: 0, status: 1, published: 2, 'dead-lettered': 3 };

/** One order's saga across services: its status history (orders) and every service's events about it, by time. */
export function sagaTimeline(order: OrderHistory, reports: ServiceReport[]): SagaTimeline {
  const steps: SagaStep[] = order.history.map((entry) => ({
    at: entry.at,
    service: 'orders',
    kind: 'status',
    type: entry.status,
    ...(entry.reason ? { detail: entry.reason } : {}),
    compensation: entry.status === CANCELLED,
  }));
  let traceId: string | undefined;
  for (const report of reports) {
    if (!report.ok) continue;
    const { service, events } = report;
    for (const event of events.published) {
      if (event.type === orderCreated.type && event.traceId) traceId ??= event.traceId;
      steps.push({ at: event.at, service, kind: 'published', type: event.type, eventId: event.eventId, compensation: COMPENSATIONS.has(event.type) });
    }
    for (const event of events.handled) {
      steps.push({
        at: event.at,
        service,
        kind: 'handled',
        type: event.type,
        eventId: event.eventId,
        consumer: event.consumer,
        ...(event.attempts === undefined ? {} : { attempts: event.attempts }),
        compensation: COMPENSATIONS.has(event.type),
      });
    }
    for (const event of events.deadLettered) {
      steps.push({
        at: event.at,
        service,
        kind: 'dead-lettered',
        type: event.type,
        eventId: event.eventId,
        consumer: event.consumer,
        attempts: event.attempts,
        detail: event.replayedAt ? `${event.error} (replayed ${event.replayedAt})` : event.error,
        compensation: COMPENSATIONS.has(event.type),
      });
    }
  }
  steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const unreachable = reports.filter((report) => !report.ok).map((report) => report.service);
  return {
    orderId: order.id,
    status: order.status,
    saga: order.saga === 'orchestration' ? 'orchestration' : 'choreography',
    ...(traceId ? { traceId } : {}),
    steps,
    ...(unreachable.length > 0 ? { unreachable } : {}),
  };
}
