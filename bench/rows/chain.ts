/**
 * Row 2, the same 3-hop call chain five ways: edge → orders → catalog, each hop a real handler with
 * validation, answering `POST /api/v1/orders/quote`. Agora embedded (in-process calls) and split
 * (a process per service, HTTP between them), Moleculer (three brokers, NATS transporter,
 * moleculer-web as the edge), NestJS microservices (an HTTP app on Fastify and two TCP
 * microservices) and plain Fastify + undici (three processes over HTTP). Every edge checks the same
 * kind of token (RS256, cached once verified), every hop validates, catalog prices from its data.
 */
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { freePort, startNats, type LocalNats } from '@agora/infra';
import type { BenchContext, Goal } from '../lib/context.ts';
import { NEST_DIST } from '../lib/build-nest.ts';
import type { LoadSpec, MeasuredLoad } from '../lib/load.ts';
import { PEERS, startPeer, type Peer } from '../lib/peers.ts';
import { cpuMsByGroup, cpuPerRequest } from '../lib/process-cpu.ts';
import { pin } from '../lib/process-table.ts';
import { placement } from '../lib/processes.ts';
import { inTurns, ratioPerRound, summarize, type LoadSummary } from '../lib/rounds.ts';
import { signIn } from '../lib/shop.ts';
import { median, type Spread } from '../lib/stats.ts';

const PATH = '/api/v1/orders/quote';
const CART = { items: [{ productId: 'p-keyboard', quantity: 1 }, { productId: 'p-cable', quantity: 2 }] };
const CONNECTIONS = 50;
/** Connections for the fixed-rate run: enough that none waits for a free one at the rate asked. */
const RATE_CONNECTIONS = 10;
const STACKS = ['agora embedded', 'agora split', 'moleculer', 'nestjs', 'fastify+undici'] as const;

interface Target {
  url: string;
  token: string;
}

export interface Conformance {
  /** The valid cart answered 200 with the same JSON as Agora embedded. */
  sameQuote: boolean;
  unknownProduct: number;
  invalidBody: number;
  noToken: number;
}

export interface ChainResult {
  cart: typeof CART;
  conformance: Record<string, Conformance>;
  /**
   * 50 connections, as fast as answers come; and per stack the CPU one request took in each of its
   * processes (µs, median of the rounds), servers included: where the chain's cost is.
   */
  throughput: { connections: number; seconds: number; stacks: Record<string, LoadSummary>; cpuPerRequestUs: Record<string, Record<string, number>> };
  /** One connection, one request at a time: the chain's own latency. */
  oneConnection: { seconds: number; stacks: Record<string, LoadSummary> };
  /** A fixed rate below both Agora topologies' throughput. */
  fixedRate: { rate: number; connections: number; seconds: number; stacks: Record<string, LoadSummary> };
  /** Agora split's req/s over Moleculer's and NestJS's, per round (50 connections). */
  splitOver: Record<string, Spread>;
  /** Agora split's p50 over embedded's: at one connection, and at the fixed rate. */
  splitP50OverEmbedded: { oneConnection: Spread; fixedRate: Spread };
}

export async function chainRow(context: BenchContext): Promise<{ result: ChainResult; goals: Goal[] }> {
  const { settings, load } = context;
  const embedded = await context.shops.get('embedded');
  const split = await context.shops.get('split');
  const peers: Peer[] = [];
  let nats: LocalNats | undefined;
  try {
    const targets: Record<string, Target> = {
      'agora embedded': { url: embedded.url + PATH, token: await signIn(embedded.url) },
      'agora split': { url: split.url + PATH, token: await signIn(split.url) },
    };
    context.log('chain: starting the peers');
    nats = await startNats(join(context.runDir, 'peers'));
    pin([nats.pid], placement?.servers);
    const token = context.keys.customerToken;
    const start = async (name: string, file: string, env: Record<string, string> = {}) => {
      const peer = await startPeer(context, name, file, { NATS_URL: nats!.url, ...env });
      peers.push(peer);
      return peer.ready;
    };
    // The three peers start side by side, each hop after the one it calls.
    const moleculer = async () => {
      await start('moleculer catalog', `${PEERS}/moleculer/catalog.ts`);
      await start('moleculer orders', `${PEERS}/moleculer/orders.ts`);
      return start('moleculer edge', `${PEERS}/moleculer/edge.ts`);
    };
    const nestjs = async () => {
      const [catalogPort, ordersPort] = [await freePort(), await freePort()];
      await start('nestjs catalog', `${NEST_DIST}/catalog.js`, { PORT: String(catalogPort) });
      await start('nestjs orders', `${NEST_DIST}/orders.js`, { PORT: String(ordersPort), CATALOG_PORT: String(catalogPort) });
      return start('nestjs edge', `${NEST_DIST}/edge.js`, { ORDERS_PORT: String(ordersPort) });
    };
    const fastify = async () => {
      const catalog = await start('fastify catalog', `${PEERS}/fastify/catalog.ts`);
      const orders = await start('fastify orders', `${PEERS}/fastify/orders.ts`, { CATALOG_URL: catalog });
      return start('fastify edge', `${PEERS}/fastify/edge.ts`, { ORDERS_URL: orders });
    };
    const edges = await Promise.all([moleculer(), nestjs(), fastify()]);
    targets.moleculer = { url: edges[0] + PATH, token };
    targets.nestjs = { url: edges[1] + PATH, token };
    targets['fastify+undici'] = { url: edges[2] + PATH, token };

    const conformance = await checkConformance(targets);
    const spec = (stack: string, extra: Partial<LoadSpec>): LoadSpec => ({
      url: targets[stack]!.url,
      method: 'POST',
      headers: { authorization: `Bearer ${targets[stack]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(CART),
      connections: CONNECTIONS,
      seconds: settings.loadSeconds,
      ...extra,
    });
    if (settings.warmupSeconds > 0) for (const stack of STACKS) await load.run(spec(stack, { seconds: settings.warmupSeconds }));
    // Each stack's processes by name: Agora's as its shop names them, a peer's by hop.
    const hops = (prefix: string) => Object.fromEntries(peers.filter((peer) => peer.launched.name.startsWith(`${prefix} `)).map((peer) => [peer.launched.name.slice(prefix.length + 1), [peer.launched.pid]]));
    const processesOf: Record<string, () => Record<string, number[]>> = {
      'agora embedded': () => embedded.processGroups(),
      'agora split': () => split.processGroups(),
      moleculer: () => ({ ...hops('moleculer'), 'nats-server': [nats!.pid] }),
      nestjs: () => hops('nestjs'),
      'fastify+undici': () => hops('fastify'),
    };
    const cpuRounds: Record<string, Array<Record<string, number>>> = {};
    const measure = (label: string, stacks: readonly string[], extra: (stack: string) => Partial<LoadSpec>, countCpu = false) =>
      inTurns([...stacks], settings.rounds, async (stack, round) => {
        context.log(`chain: ${label}, ${stack}, round ${round + 1} of ${settings.rounds}`);
        const before = countCpu ? cpuMsByGroup(processesOf[stack]!()) : {};
        const run = await load.run(spec(stack, extra(stack)));
        if (countCpu) (cpuRounds[stack] ??= []).push(cpuPerRequest(before, cpuMsByGroup(processesOf[stack]!()), run.ok));
        return run;
      });
    const throughputRuns = await measure(`${CONNECTIONS} connections`, STACKS, () => ({}), true);
    const oneRuns = await measure('1 connection', STACKS, () => ({ connections: 1, seconds: settings.latencySeconds }));
    const agoraRps = ['agora embedded', 'agora split'].map((stack) => median(throughputRuns[stack]!.map((run) => run.requestsPerSecond)));
    const rate = Math.max(10, Math.round(Math.min(...agoraRps) / 2));
    const rateRuns = await measure(`${rate} req/s`, ['agora embedded', 'agora split'], () => ({ connections: RATE_CONNECTIONS, seconds: settings.latencySeconds, overallRate: rate }));

    const rps = (stack: string) => throughputRuns[stack]!.map((run) => run.requestsPerSecond);
    const p50 = (runs: Record<string, MeasuredLoad[]>, stack: string) => runs[stack]!.map((run) => run.p50Ms);
    const result: ChainResult = {
      cart: CART,
      conformance,
      throughput: { connections: CONNECTIONS, seconds: settings.loadSeconds, stacks: summarizeAll(throughputRuns), cpuPerRequestUs: medianPerProcess(cpuRounds) },
      oneConnection: { seconds: settings.latencySeconds, stacks: summarizeAll(oneRuns) },
      fixedRate: { rate, connections: RATE_CONNECTIONS, seconds: settings.latencySeconds, stacks: summarizeAll(rateRuns) },
      splitOver: { moleculer: ratioPerRound(rps('agora split'), rps('moleculer')), nestjs: ratioPerRound(rps('agora split'), rps('nestjs')) },
      splitP50OverEmbedded: {
        oneConnection: ratioPerRound(p50(oneRuns, 'agora split'), p50(oneRuns, 'agora embedded'), 1),
        fixedRate: ratioPerRound(p50(rateRuns, 'agora split'), p50(rateRuns, 'agora embedded'), 1),
      },
    };
    return { result, goals: chainGoals(result) };
  } finally {
    await Promise.all(peers.reverse().map((peer) => peer.launched.stop()));
    await nats?.stop();
  }
}

/** Per stack and process, the median over the rounds; `total` is the stack's whole cost per request. */
function medianPerProcess(rounds: Record<string, Array<Record<string, number>>>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(rounds).map(([stack, readings]) => {
      const names = Object.keys(readings[0] ?? {});
      const perProcess = Object.fromEntries(names.map((name) => [name, Math.round(median(readings.map((reading) => reading[name] ?? 0)))]));
      return [stack, { ...perProcess, total: Math.round(median(readings.map((reading) => Object.values(reading).reduce((sum, us) => sum + us, 0)))) }];
    }),
  );
}

function summarizeAll(runs: Record<string, MeasuredLoad[]>): Record<string, LoadSummary> {
  return Object.fromEntries(Object.entries(runs).map(([stack, stackRuns]) => [stack, summarize(stackRuns)]));
}

/** The same answers from every stack before any is measured: a stack that differs would not be doing the same work. */
async function checkConformance(targets: Record<string, Target>): Promise<Record<string, Conformance>> {
  const post = async (target: Target, body: unknown, withToken = true) => {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(withToken ? { authorization: `Bearer ${target.token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: response.headers.get('content-type')?.includes('json') && text ? (JSON.parse(text) as unknown) : text };
  };
  const reference = await post(targets['agora embedded']!, CART);
  if (reference.status !== 200) throw new Error(`Agora's ${PATH} answered ${reference.status}: ${JSON.stringify(reference.body)}`);
  const result: Record<string, Conformance> = {};
  for (const [stack, target] of Object.entries(targets)) {
    const quote = await post(target, CART);
    if (quote.status !== 200) throw new Error(`${stack}: ${PATH} answered ${quote.status}: ${JSON.stringify(quote.body)}`);
    result[stack] = {
      sameQuote: isDeepStrictEqual(quote.body, reference.body),
      unknownProduct: (await post(target, { items: [{ productId: 'p-unknown', quantity: 1 }] })).status,
      invalidBody: (await post(target, { items: [{ productId: 'p-keyboard', quantity: 0 }] })).status,
      noToken: (await post(target, CART, false)).status,
    };
  }
  return result;
}

export function chainGoals(result: ChainResult): Goal[] {
  const stacks = result.throughput.stacks;
  const split = stacks['agora split']!;
  const peersP99 = ['moleculer', 'nestjs'].map((stack) => stacks[stack]!.p99Ms.median);
  const ahead = result.splitOver.moleculer!.median > 1 && result.splitOver.nestjs!.median > 1 && peersP99.every((p99) => split.p99Ms.median <= p99);
  const latency = result.splitP50OverEmbedded;
  const lower = Math.min(latency.oneConnection.median, latency.fixedRate.median);
  return [
    {
      row: 'chain',
      name: '3-hop chain: split vs peers',
      goal: 'Agora split ahead of Moleculer and NestJS on req/s at ≤ their p99',
      measured: `${result.splitOver.moleculer!.median}× Moleculer, ${result.splitOver.nestjs!.median}× NestJS; p99 ${[split.p99Ms.median, ...peersP99].map(roundMs).join(' vs ')} ms`,
      value: Math.min(result.splitOver.moleculer!.median, result.splitOver.nestjs!.median),
      met: ahead,
    },
    {
      row: 'chain',
      name: '3-hop chain: embedded vs split',
      goal: 'Agora embedded ≥ 10× lower p50 than split (1 connection and fixed rate)',
      measured: `${latency.oneConnection.median}× at 1 connection, ${latency.fixedRate.median}× at ${result.fixedRate.rate} req/s`,
      value: lower,
      met: lower >= 10,
    },
  ];
}


function roundMs(value: number): string {
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}
