import type { Saga, SagaStep } from '../api/types.ts';
import { formatTime, shortId } from '../ui/format.ts';

const KIND_TEXT: Record<SagaStep['kind'], string> = { status: 'status', published: 'published', handled: 'handled', 'dead-lettered': 'dead-lettered' };

/**
 * An order's saga step by step: status changes, events published and handled by each service,
 * retries and dead letters, compensations marked; times relative to the first step.
 */
export function SagaTimeline({ saga, live, onOpenTrace, showOrder = true }: { saga: Saga; live: boolean; onOpenTrace?: (traceId: string) => void; showOrder?: boolean }) {
  const start = saga.steps[0] ? Date.parse(saga.steps[0].at) : 0;
  return (
    <div className="saga" data-testid="saga-timeline" data-status={saga.status}>
      <header className="saga-header">
        {showOrder && (
          <span className="strong" title={saga.orderId}>
            Order {shortId(saga.orderId)}
          </span>
        )}
        <span className={`order-status status-${saga.status.toLowerCase()}`} data-testid="saga-status">
          {saga.status}
        </span>
        <span className="muted small">{saga.saga} saga</span>
        {live && <span className="live-dot small">live</span>}
        {saga.traceId && onOpenTrace && (
          <button type="button" className="link-button small" onClick={() => onOpenTrace(saga.traceId ?? '')} data-testid="saga-trace-link">
            trace {shortId(saga.traceId)}
          </button>
        )}
      </header>
      <ol className="timeline">
        {saga.steps.map((step, index) => (
          <li
            key={`${step.at}-${step.kind}-${step.type}-${step.consumer ?? step.service}-${index}`}
            className={`step kind-${step.kind}${step.compensation ? ' is-compensation' : ''}`}
            data-testid="saga-step"
            data-kind={step.kind}
            data-compensation={step.compensation}
          >
            <span className="step-time" title={formatTime(step.at)}>
              +{Math.max(0, Date.parse(step.at) - start)} ms
            </span>
            <span className="step-marker" aria-hidden="true" />
            <div className="step-body">
              <div>
                <span className="service-chip">{step.service}</span> <span className="step-kind">{KIND_TEXT[step.kind]}</span> <code>{step.type}</code>
                {step.compensation && <span className="badge badge-compensation">compensation</span>}
                {step.attempts !== undefined && step.attempts > 1 && <span className="badge badge-warn">attempt {step.attempts}</span>}
              </div>
              {(step.consumer || step.detail) && (
                <div className="muted small">
                  {step.consumer && <span>{step.consumer}</span>}
                  {step.consumer && step.detail && ' · '}
                  {step.detail}
                </div>
              )}
            </div>
          </li>
        ))}
        {saga.steps.length === 0 && <li className="muted">No steps yet.</li>}
      </ol>
    </div>
  );
}
