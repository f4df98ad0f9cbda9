/**
 * Row 3, checkout: orders per second from `POST /api/v1/orders` to SHIPPED, and the saga's latency,
 * for embedded, split and mixed. Buyers (customers of their own) keep a number of orders in flight;
 * that number is found per topology first, doubling it from 8 until orders/s stop growing and
 * keeping the best, so the shop is saturated without queueing more than it takes. Completion is read in bulk: one operator
 * request for the newest orders every 25 ms, not a poll per order (checkout-round.ts). The saga's
 * latency is the shop's own record (createdAt → SHIPPED), read after each round for a sample.
 */
import type { BenchContext, Goal } from '../lib/context.ts';
import { cpuMsByGroup, cpuPerRequest } from '../lib/process-cpu.ts';
import { inTurns } from '../lib/rounds.ts';
import { signIn, type Topology } from '../lib/shop.ts';
import { histogram, median, percentile, spread, type Spread } from '../lib/stats.ts';
import { PRODUCT, call, checkoutRound, newBuyer, sagaLatencies, type CheckoutShop, type PlacedOrder } from './checkout-round.ts';

const BUCKETS_MS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
const FIRST_IN_FLIGHT = 8;
/** Doubling the orders in flight must add this much throughput to count as not yet saturated. */
const GROWTH = 1.1;

export interface CheckoutTopology {
  /** Orders kept in flight in the rounds, and how orders/s grew with it while it was searched for. */
  inFlight: number;
  search: Step[];
  ordersPerSecond: Spread;
  placed: number;
  shipped: number;
  cancelled: number;
  unfinished: number;
  refused: number;
  singleReads: number;
  postMs: { p50: number; p99: number };
  /** POST sent → SHIPPED seen by the watcher (includes the watching's own delay). */
  observedMs: { p50: number; p99: number };
  sagaMs: { samples: number; p50: number; p90: number; p99: number; max: number; histogram: Array<{ le: number | null; count: number }> };
  /** CPU one order took in each of the shop's processes and servers (ms, median of the rounds; the watcher's reads included). */
  cpuPerOrderMs: Record<string, number>;
}

export interface CheckoutResult {
  buyers: number;
  seconds: number;
  topologies: Record<string, CheckoutTopology>;
}

interface Round {
  ordersPerSecond: number;
  orders: PlacedOrder[];
  refused: number;
  singleReads: number;
  sagaMs: number[];
  cpuPerOrderMs: Record<string, number>;
}

export async function checkoutRow(context: BenchContext): Promise<{ result: CheckoutResult; goals: Goal[] }> {
  const { settings } = context;
  const options = settings.checkout;
  const topologies = settings.topologies;
  const shops = new Map<Topology, CheckoutShop>();
  const search = new Map<Topology, { inFlight: number; steps: Step[] }>();
  for (const topology of topologies) {
    const shop = await context.shops.get(topology);
    const admin = await signIn(shop.url, 'admin@example.com', 'admin-password');
    await call(shop.url, 'PUT', `/api/v1/inventory/${PRODUCT}`, admin, { onHand: 1_000_000 });
    const buyers = await Promise.all(Array.from({ length: options.buyers }, () => newBuyer(shop.url, signIn)));
    shops.set(topology, { url: shop.url, admin, buyers });
    if (options.searchSeconds > 0) context.log(`checkout: ${topology}, finding the orders in flight that saturate it`);
    search.set(topology, await saturate(shops.get(topology)!, options));
  }
  const rounds = await inTurns(topologies, settings.rounds, async (topology, round) => {
    const { inFlight } = search.get(topology)!;
    context.log(`checkout: ${topology}, ${inFlight} in flight, round ${round + 1} of ${settings.rounds}`);
    const shop = shops.get(topology)!;
    const processes = (await context.shops.get(topology)).processGroups();
    const before = cpuMsByGroup(processes);
    const outcome = await checkoutRound(shop, { inFlight, seconds: options.seconds, drainSeconds: options.drainSeconds });
    const cpuPerOrderMs = Object.fromEntries(Object.entries(cpuPerRequest(before, cpuMsByGroup(processes), outcome.orders.length)).map(([name, us]) => [name, us / 1000]));
    return { ...outcome, cpuPerOrderMs, sagaMs: await sagaLatencies(shop, outcome.orders, options.historySample) };
  });
  const result: CheckoutResult = {
    buyers: options.buyers,
    seconds: options.seconds,
    topologies: Object.fromEntries(topologies.map((topology) => [topology, summarizeRounds(rounds[topology], search.get(topology)!)])),
  };
  const goal = (topology: string, target: number): Goal => {
    const rate = result.topologies[topology]!.ordersPerSecond.median;
    return { row: 'checkout', name: `Checkout ${topology}`, goal: `≥ ${target.toLocaleString('en')} orders/s to SHIPPED`, measured: `${rate}/s`, value: rate, met: rate >= target };
  };
  return { result, goals: [goal('embedded', 1000), goal('split', 300)] };
}

interface Step {
  inFlight: number;
  ordersPerSecond: number;
}

/**
 * Doubles the orders in flight from 8 while orders/s keeps growing by 10 %, and picks the number
 * that gave the most. Without search time (a quick run), the most allowed, untried.
 */
async function saturate(shop: CheckoutShop, options: BenchContext['settings']['checkout']): Promise<{ inFlight: number; steps: Step[] }> {
  if (options.searchSeconds === 0) return { inFlight: options.maxInFlight, steps: [] };
  const steps: Step[] = [];
  for (let inFlight = FIRST_IN_FLIGHT; inFlight <= options.maxInFlight; inFlight *= 2) {
    const { ordersPerSecond } = await checkoutRound(shop, { inFlight, seconds: options.searchSeconds, drainSeconds: options.drainSeconds });
    steps.push({ inFlight, ordersPerSecond });
    const before = steps.at(-2);
    if (before && ordersPerSecond < before.ordersPerSecond * GROWTH) break;
  }
  const best = steps.reduce((most, step) => (step.ordersPerSecond > most.ordersPerSecond ? step : most));
  return { inFlight: best.inFlight, steps };
}

function summarizeRounds(rounds: Round[], search: { inFlight: number; steps: Step[] }): CheckoutTopology {
  const orders = rounds.flatMap((round) => round.orders);
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const oneDecimal = (value: number) => Number(value.toFixed(1));
  const shipped = orders.filter((order) => order.status === 'SHIPPED');
  const post = sorted(orders.map((order) => order.postMs));
  const observed = sorted(shipped.map((order) => order.doneAt! - order.postedAt));
  const saga = sorted(rounds.flatMap((round) => round.sagaMs));
  return {
    inFlight: search.inFlight,
    search: search.steps,
    ordersPerSecond: spread(rounds.map((round) => round.ordersPerSecond), 1),
    placed: orders.length,
    shipped: shipped.length,
    cancelled: orders.filter((order) => order.status === 'CANCELLED').length,
    unfinished: orders.filter((order) => !order.doneAt).length,
    refused: rounds.reduce((sum, round) => sum + round.refused, 0),
    singleReads: rounds.reduce((sum, round) => sum + round.singleReads, 0),
    postMs: { p50: oneDecimal(percentile(post, 50)), p99: oneDecimal(percentile(post, 99)) },
    observedMs: { p50: oneDecimal(percentile(observed, 50)), p99: oneDecimal(percentile(observed, 99)) },
    sagaMs: { samples: saga.length, p50: percentile(saga, 50), p90: percentile(saga, 90), p99: percentile(saga, 99), max: saga.at(-1) ?? Number.NaN, histogram: histogram(saga, BUCKETS_MS) },
    cpuPerOrderMs: Object.fromEntries(Object.keys(rounds[0]?.cpuPerOrderMs ?? {}).map((name) => [name, oneDecimal(median(rounds.map((round) => round.cpuPerOrderMs[name] ?? 0)))])),
  };
}
