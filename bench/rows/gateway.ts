/**
 * Row 1, gateway overhead: an authenticated `GET /api/v1/products/:id` through Agora's gateway
 * (embedded: JWT check, rate limit, routing, the catalog or the gateway's cache of it) against a bare
 * node:http handler and plain Fastify answering the same JSON from memory. 50 connections.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BenchContext, Goal } from '../lib/context.ts';
import { PEERS, startPeer, type Peer } from '../lib/peers.ts';
import { inTurns, ratioPerRound, summarize, type LoadSummary } from '../lib/rounds.ts';
import { signIn } from '../lib/shop.ts';
import type { Spread } from '../lib/stats.ts';
import type { LoadSpec } from '../lib/load.ts';

const PATH = '/api/v1/products/p-keyboard';
const CONNECTIONS = 50;

export interface GatewayResult {
  path: string;
  connections: number;
  seconds: number;
  /** All three answered the same JSON. */
  sameBody: boolean;
  /** Agora's `x-cache` header on a repeated read (`hit`: served from the gateway's catalog cache); null: no cache. */
  agoraCache: string | null;
  variants: Record<string, LoadSummary>;
  /** req/s of each variant / node:http's, per round. */
  ofNodeHttp: Record<string, Spread>;
}

export async function gatewayRow(context: BenchContext): Promise<{ result: GatewayResult; goals: Goal[] }> {
  const { settings, load } = context;
  const shop = await context.shops.get('embedded');
  const token = await signIn(shop.url);
  const peers: Peer[] = [];
  try {
    peers.push(await startPeer(context, 'plain node:http', `${PEERS}/plain/node-http.ts`));
    peers.push(await startPeer(context, 'plain fastify', `${PEERS}/plain/fastify.ts`));
    const targets: Record<string, Pick<LoadSpec, 'url' | 'headers'>> = {
      agora: { url: shop.url + PATH, headers: { authorization: `Bearer ${token}` } },
      'node:http': { url: peers[0]!.ready + PATH },
      fastify: { url: peers[1]!.ready + PATH },
    };
    const bodies = await Promise.all(Object.values(targets).map(async ({ url, headers }) => (await fetch(url, { headers })).json()));
    const sameBody = bodies.every((body) => isDeepStrictEqual(body, bodies[0]));
    // Whether Agora's gateway answers from its catalog cache once warm (`x-cache`), or reads the catalog every time.
    const agoraCache = (await fetch(targets.agora!.url, { headers: targets.agora!.headers })).headers.get('x-cache');
    const variants = Object.keys(targets);
    if (settings.warmupSeconds > 0) for (const variant of variants) await load.run({ ...targets[variant]!, connections: CONNECTIONS, seconds: settings.warmupSeconds });
    const runs = await inTurns(variants, settings.rounds, (variant, round) => {
      context.log(`gateway: ${variant}, round ${round + 1} of ${settings.rounds}`);
      return load.run({ ...targets[variant]!, connections: CONNECTIONS, seconds: settings.loadSeconds });
    });
    const rps = (variant: string) => runs[variant]!.map((run) => run.requestsPerSecond);
    const result: GatewayResult = {
      path: PATH,
      connections: CONNECTIONS,
      seconds: settings.loadSeconds,
      sameBody,
      agoraCache,
      variants: Object.fromEntries(variants.map((variant) => [variant, summarize(runs[variant]!)])),
      ofNodeHttp: { agora: ratioPerRound(rps('agora'), rps('node:http')), fastify: ratioPerRound(rps('fastify'), rps('node:http')) },
    };
    const share = result.ofNodeHttp.agora!.median;
    const goal: Goal = { row: 'gateway', name: 'Gateway overhead', goal: 'Agora ≥ 0.5× node:http req/s', measured: `${share}× node:http`, value: share, met: share >= 0.5 };
    return { result, goals: [goal] };
  } finally {
    await Promise.all(peers.map((peer) => peer.launched.stop()));
  }
}
