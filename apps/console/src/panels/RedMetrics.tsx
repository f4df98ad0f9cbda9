import type { LiveTick, Topology } from '../api/types.ts';
import { formatRate, round } from '../graph/live-view.ts';
import { Sparkline } from '../ui/Sparkline.tsx';
import { formatMs } from '../ui/format.ts';

interface Sample {
  rate: number;
  errors: number;
  meanMs: number | undefined;
  p99Ms: number | undefined;
}

/**
 * Rate, errors and duration of the requests a service served, tick by tick over the last minute.
 * When the stream has no per-service entry, rate and errors are the calls arriving on its edges.
 */
export function RedMetrics({ service, ticks, topology }: { service: string; ticks: LiveTick[]; topology: Topology }) {
  const incoming = topology.edges.filter((edge) => edge.kind === 'call' && edge.to === service).map((edge) => edge.id);
  const samples: Sample[] = ticks.map((tick) => {
    const measured = tick.services?.[service];
    if (measured) return measured;
    const edges = tick.edges.filter((edge) => incoming.includes(edge.id));
    return { rate: round(edges.reduce((sum, edge) => sum + edge.rate, 0)), errors: edges.reduce((sum, edge) => sum + edge.errors, 0), meanMs: undefined, p99Ms: undefined };
  });
  if (samples.length === 0) return <p className="muted small">Waiting for the live stream's first tick…</p>;
  const latest = samples.at(-1);
  const hasLatency = samples.some((sample) => sample.meanMs !== undefined);
  const series = (pick: (sample: Sample) => number | undefined) => samples.map((sample) => pick(sample) ?? 0);

  return (
    <div className="red-grid" data-testid="service-red">
      <Metric label="Requests" value={latest ? formatRate(latest.rate) : '–'} values={series((sample) => sample.rate)} testId={`service-rate-${service}`} />
      <Metric label="Errors" value={latest ? String(latest.errors) : '–'} values={series((sample) => sample.errors)} tone="error" testId={`service-errors-${service}`} />
      {hasLatency ? (
        <>
          <Metric label="Mean" value={latest?.meanMs !== undefined ? formatMs(latest.meanMs) : '–'} values={series((sample) => sample.meanMs)} testId={`service-mean-${service}`} />
          <Metric label="p99" value={latest?.p99Ms !== undefined ? formatMs(latest.p99Ms) : '–'} values={series((sample) => sample.p99Ms)} testId={`service-p99-${service}`} />
        </>
      ) : (
        <p className="muted small red-note">Durations are not in this gateway's live stream.</p>
      )}
    </div>
  );
}

function Metric({ label, value, values, tone, testId }: { label: string; value: string; values: number[]; tone?: 'error'; testId: string }) {
  return (
    <div className="metric">
      <div className="metric-label">{label}</div>
      <div className="metric-value" data-testid={testId}>
        {value}
      </div>
      <Sparkline values={values} label={`${label}, last ${values.length} seconds`} tone={tone} />
    </div>
  );
}
