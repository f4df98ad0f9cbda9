/**
 * The sections of Agora's dashboards: what every workload's chassis measures (requests, calls,
 * events, outbox), and what only one workload has (the saga, the gateway's shared state, the SLOs
 * it measures). Every query is narrowed by the dashboard's $job and $instance.
 */
import { burnRates, errorRatioSeries, slos } from '../prometheus/slos.ts';
import type { PanelSpec, Section } from './panels.ts';

const RATE = '$__rate_interval';
const quantiles = [0.5, 0.95, 0.99];

/** The series of one workload, narrowed by the dashboard's variables. */
function selector(service: string, extra = ''): string {
  return `service="${service}", job=~"$job", instance=~"$instance"${extra ? `, ${extra}` : ''}`;
}

export function requests(service: string): Section {
  // Probes and scrapes would drown the routes users call.
  const s = selector(service, 'route!~"/(metrics|healthz|readyz)"');
  const latency = (q: number): PanelSpec => ({
    title: `Latency p${q * 100} by route`,
    unit: 's',
    queries: [{ expr: `histogram_quantile(${q}, sum by (method, route, le) (rate(agora_http_request_duration_seconds_bucket{${s}}[${RATE}])))`, legend: '{{method}} {{route}}' }],
  });
  return {
    title: 'Requests (RED per route)',
    panels: [
      { title: 'Requests by route', unit: 'reqps', queries: [{ expr: `sum by (method, route) (rate(agora_http_requests_total{${s}}[${RATE}]))`, legend: '{{method}} {{route}}' }] },
      {
        title: 'Error ratio (5xx) by route',
        unit: 'percentunit',
        queries: [
          {
            expr: `sum by (method, route) (rate(agora_http_requests_total{${s}, status=~"5.."}[${RATE}])) / sum by (method, route) (rate(agora_http_requests_total{${s}}[${RATE}]))`,
            legend: '{{method}} {{route}}',
          },
        ],
      },
      { title: 'Responses by status', unit: 'reqps', queries: [{ expr: `sum by (status) (rate(agora_http_requests_total{${s}}[${RATE}]))`, legend: '{{status}}' }] },
      ...quantiles.map(latency),
    ],
  };
}

export function calls(service: string): Section {
  const s = selector(service);
  return {
    title: 'Calls to other services',
    panels: [
      { title: 'Calls by outcome', unit: 'ops', queries: [{ expr: `sum by (target, operation, outcome) (rate(agora_calls_total{${s}}[${RATE}]))`, legend: '{{target}}.{{operation}} {{outcome}}' }] },
      {
        title: 'Call latency p99',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.99, sum by (target, operation, le) (rate(agora_call_duration_seconds_bucket{${s}}[${RATE}])))`, legend: '{{target}}.{{operation}}' }],
      },
      { title: 'Fallback answers', unit: 'ops', queries: [{ expr: `sum by (target, operation) (rate(agora_fallbacks_total{${s}}[${RATE}]))`, legend: '{{target}}.{{operation}}' }] },
      {
        title: 'Circuit breakers',
        description: 'The worst state over the instances selected.',
        kind: 'state-timeline',
        unit: 'short',
        queries: [{ expr: `max by (target) (agora_circuit_breaker_state{${s}})`, legend: '{{target}}' }],
        mappings: [
          { value: 0, text: 'closed', color: 'green' },
          { value: 1, text: 'open', color: 'red' },
          { value: 2, text: 'half-open', color: 'yellow' },
        ],
      },
    ],
  };
}

export function events(service: string): Section {
  const s = selector(service);
  return {
    title: 'Events',
    panels: [
      { title: 'Deliveries handled by outcome', unit: 'ops', queries: [{ expr: `sum by (consumer, outcome) (rate(agora_events_consumed_total{${s}}[${RATE}]))`, legend: '{{consumer}} {{outcome}}' }] },
      {
        title: 'Handler latency p99',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.99, sum by (consumer, type, le) (rate(agora_event_handling_duration_seconds_bucket{${s}}[${RATE}])))`, legend: '{{consumer}} {{type}}' }],
      },
      { title: 'Events published', unit: 'ops', queries: [{ expr: `sum by (type) (rate(agora_events_published_total{${s}}[${RATE}]))`, legend: '{{type}}' }] },
    ],
  };
}

export function outbox(service: string): Section {
  // Every instance of a service reads the same outbox and dead-letter tables: the highest reading is the table's.
  const s = selector(service);
  return {
    title: 'Outbox and dead letters',
    panels: [
      { title: 'Outbox pending', unit: 'short', queries: [{ expr: `max(agora_outbox_pending{${s}})`, legend: 'pending' }] },
      { title: 'Outbox lag (oldest event waiting)', unit: 's', queries: [{ expr: `max(agora_outbox_lag_seconds{${s}})`, legend: 'lag' }], thresholds: [{ value: 30, color: 'red' }] },
      { title: 'Dead letters waiting for replay', unit: 'short', queries: [{ expr: `max(agora_dead_letters{${s}})`, legend: 'dead letters' }], thresholds: [{ value: 1, color: 'red' }] },
    ],
  };
}

/** Burn rate of each SLO the workload measures, against the rates that page (14.4×, 6×) and ticket (1×). */
export function sloBurn(service: string): Section[] {
  const measured = slos.filter((slo) => slo.measuredAt === service);
  if (measured.length === 0) return [];
  return [
    {
      title: 'SLO burn rate (1 = spending the budget exactly in 30 days)',
      panels: measured.map((slo) => ({
        title: `${slo.name}: ${slo.objective}`,
        unit: 'short',
        queries: burnRates.map((burn) => ({ expr: `${errorRatioSeries(slo, burn.long)} / (1 - ${slo.target})`, legend: burn.long })),
        thresholds: burnRates.map((burn) => ({ value: burn.factor, color: burn.severity === 'page' ? 'red' : 'orange' })),
      })),
    },
  ];
}

export const saga: Section = {
  title: 'Checkout saga',
  panels: [
    { title: 'Sagas finished by outcome', unit: 'ops', queries: [{ expr: `sum by (saga, outcome) (rate(agora_saga_completed_total{${selector('orders')}}[${RATE}]))`, legend: '{{saga}} {{outcome}}' }] },
    {
      title: 'Saga duration (placed → final state)',
      description: "Customers' own cancels left out: their timing is the customer's.",
      unit: 's',
      queries: quantiles.map((q) => ({
        expr: `histogram_quantile(${q}, sum by (saga, le) (rate(agora_saga_duration_seconds_bucket{${selector('orders', 'outcome!="cancelled-by-customer"')}}[${RATE}])))`,
        legend: `{{saga}} p${q * 100}`,
      })),
      thresholds: [{ value: 5, color: 'red' }],
    },
  ],
};

export const sharedState: Section = {
  title: 'Shared state (Redis)',
  panels: [
    { title: 'Served from local state while Redis was away', unit: 'ops', queries: [{ expr: `sum by (what) (rate(agora_shared_state_fallbacks_total{${selector('gateway')}}[${RATE}]))`, legend: '{{what}}' }] },
  ],
};
