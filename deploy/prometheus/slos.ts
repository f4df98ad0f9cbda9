/**
 * The service level objectives, one per user journey, as data. `generate.ts` turns them into the
 * recording rules and burn-rate alerts of slo.yaml; the Grafana generator draws their burn rates.
 * Every journey is measured where users meet the shop (the gateway), except the saga, which only
 * orders can see end to end.
 */

export interface Slo {
  /** The `slo` label of every rule, and the stem of its alert's name. */
  name: string;
  journey: string;
  /** Whose metrics measure it: its dashboard shows the burn rate. */
  measuredAt: 'gateway' | 'orders';
  /** What a good event is, in words: alert summaries and the README table say it. */
  objective: string;
  /** The share of events that must be good over the 30-day budget period. */
  target: number;
  /** PromQL for the share of bad events over one window (`5m`, `1h`, …). */
  errorRatio(window: string): string;
}

/** Multiwindow, multi-burn-rate alerts, as the Google SRE workbook's "Alerting on SLOs" recommends. */
export const burnRates = [
  // 2% of a 30-day budget in one hour: wake someone up.
  { long: '1h', short: '5m', factor: 14.4, severity: 'page', for: '2m' },
  // 5% in six hours: still a page, the budget is gone in five days.
  { long: '6h', short: '30m', factor: 6, severity: 'page', for: '2m' },
  // 10% in three days: the month's budget will be spent; worth a ticket, not a night.
  { long: '3d', short: '6h', factor: 1, severity: 'ticket', for: '15m' },
] as const;

/** Every window an error ratio is recorded over: the alerts' pairs above, plus 2h and 1d for dashboards. */
export const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** `le` as prom-client writes it ("1"), or as Prometheus 3 normalises whole numbers ("1.0"). */
function le(seconds: number): string {
  return Number.isInteger(seconds) ? `le=~"${seconds}(\\\\.0)?"` : `le="${seconds}"`;
}

/** Requests answered with 5xx; `or vector(0)` keeps the ratio defined while there are none. */
function serverErrors(selector: string, window: string): string {
  return `(sum(rate(agora_http_requests_total{${selector}, status=~"5.."}[${window}])) or vector(0))`;
}

/** Indents every line but the first, for an expression nested inside another. */
function indent(expression: string, spaces: number): string {
  return expression.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}

function requests(selector: string, window: string): string {
  return `sum(rate(agora_http_requests_total{${selector}}[${window}]))`;
}

/** Requests slower than `seconds`: all of them minus those in the bucket at that boundary. */
function slowRequests(selector: string, seconds: number, window: string): string {
  return `(\n  sum(rate(agora_http_request_duration_seconds_count{${selector}}[${window}]))\n  - sum(rate(agora_http_request_duration_seconds_bucket{${selector}, ${le(seconds)}}[${window}]))\n)`;
}

const checkout = 'service="gateway", method="POST", route="/api/v1/orders"';
const browse = 'service="gateway", method="GET", route=~"/api/v[0-9]+/products(/:id)?"';
const signIn = 'service="gateway", method="POST", route="/api/v1/auth/token"';
// A customer's own cancel ends a saga when the customer decides, not when the shop is done.
const sagas = 'service="orders", outcome!="cancelled-by-customer"';

export const slos: Slo[] = [
  {
    name: 'checkout',
    journey: 'checkout',
    measuredAt: 'gateway',
    objective: 'POST /api/v1/orders answered without 5xx and within 1 s',
    target: 0.995,
    // A slow 5xx counts twice, so the ratio is capped at 1; it errs towards alerting.
    errorRatio: (w) => `clamp_max(\n  (\n    ${serverErrors(checkout, w)}\n    + ${indent(slowRequests(checkout, 1, w), 4)}\n  )\n  / ${requests(checkout, w)},\n  1\n)`,
  },
  {
    name: 'checkout-saga',
    journey: 'checkout',
    measuredAt: 'orders',
    objective: 'orders reaching SHIPPED or CANCELLED within 5 s of placement',
    target: 0.99,
    errorRatio: (w) =>
      `1 - (\n  sum(rate(agora_saga_duration_seconds_bucket{${sagas}, ${le(5)}}[${w}]))\n  / sum(rate(agora_saga_duration_seconds_count{${sagas}}[${w}]))\n)`,
  },
  {
    name: 'browse-availability',
    journey: 'browse',
    measuredAt: 'gateway',
    objective: 'catalog reads answered without 5xx',
    target: 0.999,
    errorRatio: (w) => `${serverErrors(browse, w)}\n/ ${requests(browse, w)}`,
  },
  {
    name: 'browse-latency',
    journey: 'browse',
    measuredAt: 'gateway',
    // 250 ms is the bucket boundary below 300 ms: a p99 under it keeps the p99 under 300 ms.
    objective: 'catalog reads answered within 250 ms (p99 < 300 ms)',
    target: 0.99,
    errorRatio: (w) => `${slowRequests(browse, 0.25, w)}\n/ ${requests(browse, w)}`,
  },
  {
    name: 'sign-in',
    journey: 'sign-in',
    measuredAt: 'gateway',
    objective: 'POST /api/v1/auth/token answered without 5xx',
    target: 0.999,
    errorRatio: (w) => `${serverErrors(signIn, w)}\n/ ${requests(signIn, w)}`,
  },
];

/** `checkout-saga` → `CheckoutSagaBudgetBurn`. */
export function alertName(slo: Slo): string {
  return `${slo.name.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase())}BudgetBurn`;
}

/** The recorded error ratio of one SLO over one window. */
export function errorRatioSeries(slo: Slo, window: string): string {
  return `slo:sli_error:ratio_rate${window}{slo="${slo.name}"}`;
}
