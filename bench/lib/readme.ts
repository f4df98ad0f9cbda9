// The README's figures, generated from a full run's results between two marker comments, so the
// table and bench/results/latest.json never disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadSummary } from './rounds.ts';
import type { Results } from './results.ts';
import { ROOT, SERVER_NAMES } from './shop.ts';
import type { Spread } from './stats.ts';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';
const README = join(ROOT, 'README.md');
const SERVERS = new Set(SERVER_NAMES);

const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en') : '–');
const ms = (value: number) => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} ms` : '–');
const x = (value: number) => (Number.isFinite(value) ? `${value}×` : '–');

/** `median [min – max]`, or the median alone after a single round. */
function spread(value: Spread, format: (n: number) => string): string {
  return value.rounds.length > 1 ? `${format(value.median)} [${format(value.min)} – ${format(value.max)}]` : format(value.median);
}

function loadRow(name: string, summary: LoadSummary, servers: string): string {
  const flags = summary.non2xx + summary.errors > 0 ? ` (${int(summary.non2xx)} non-2xx, ${int(summary.errors)} errors)` : '';
  return `| ${name} | ${spread(summary.requestsPerSecond, int)}${flags} | ${ms(summary.p50Ms.median)} | ${ms(summary.p99Ms.median)} | ${summary.loadCpuPercent} % | ${summary.cpuBusyPercent[servers] ?? '–'} % |`;
}

export function renderFigures(results: Results): string {
  const { machine, settings } = results;
  const servers = machine.pinning ? `cpu${machine.pinning.servers}` : 'cpu0';
  const lines: string[] = [];
  const minutes = `${Math.floor(results.durationSeconds / 60)} min ${Math.round(results.durationSeconds % 60)} s`;
  lines.push(
    `Measured ${results.date.slice(0, 10)} at commit \`${results.commit.slice(0, 10)}\`${results.dirty ? ' (with uncommitted changes)' : ''}, on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}; the run took ${minutes} (load average ${machine.loadAverageAtStart} when it began). ` +
      (machine.pinning
        ? `Servers on CPU ${machine.pinning.servers}, the load generator (autocannon) and the harness on CPU ${machine.pinning.load} (\`taskset\`). `
        : 'Nothing was pinned (fewer than two CPUs, or no `taskset`). ') +
      (settings.rounds > 1 ? `Medians of ${settings.rounds} rounds, the variants of a comparison taking turns; [min – max] over the rounds.` : 'One round of each variant.'),
    '',
    '| # | comparison | goal | measured | met |',
    '|---|---|---|---|---|',
  );
  const numbers: Record<string, number> = { startup: 6, gateway: 1, chain: 2, checkout: 3, events: 4, dispatch: 5 };
  for (const goal of [...results.goals].sort((a, b) => numbers[a.row]! - numbers[b.row]!)) {
    lines.push(`| ${numbers[goal.row]} | ${goal.name} | ${goal.goal} | ${goal.measured} | ${goal.met ? 'yes' : '**no**'} |`);
  }
  for (const [row, reason] of Object.entries(results.failures)) lines.push(`| ${numbers[row] ?? ''} | ${row} | | failed: ${reason.split('\n')[0]} | – |`);
  lines.push('');

  const gateway = results.gateway;
  if (gateway) {
    lines.push(
      `**1. Gateway overhead.** Authenticated \`GET ${gateway.path}\`, ${gateway.connections} connections, ${gateway.seconds} s a round. Agora: the embedded shop's gateway (bearer token check, rate limit, routing) and ${gateway.agoraCache === 'hit' ? "its in-memory cache of the catalog's answers (`x-cache: hit`)" : "the catalog's read from SQLite"}; node:http and Fastify answer the same JSON from memory, without a token. Agora at ${spread(gateway.ofNodeHttp.agora!, x)} of node:http, Fastify at ${spread(gateway.ofNodeHttp.fastify!, x)}.${gateway.sameBody ? '' : ' **The three bodies differed.**'}`,
      '',
      `| | req/s | p50 | p99 | load generator CPU | CPU ${machine.pinning?.servers ?? 0} busy |`,
      '|---|---|---|---|---|---|',
      ...Object.entries(gateway.variants).map(([name, summary]) => loadRow(name === 'agora' ? 'Agora (embedded)' : name, summary, servers)),
      '',
    );
  }

  const chain = results.chain;
  if (chain) {
    const stacks = Object.keys(chain.throughput.stacks);
    const conformance = Object.entries(chain.conformance);
    const differing = conformance.filter(([, check]) => !check.sameQuote).map(([stack]) => stack);
    lines.push(
      `**2. The 3-hop chain.** \`POST /api/v1/orders/quote\` (two items): edge → orders → catalog, each hop validating. ${chain.throughput.connections} connections for ${chain.throughput.seconds} s a round; one connection for ${chain.oneConnection.seconds} s; Agora embedded and split also at a fixed ${int(chain.fixedRate.rate)} req/s, evenly paced (half the slower one's throughput). Split over Moleculer ${spread(chain.splitOver.moleculer!, x)}, over NestJS ${spread(chain.splitOver.nestjs!, x)} (req/s); split's p50 over embedded's ${spread(chain.splitP50OverEmbedded.oneConnection, x)} at one connection, ${spread(chain.splitP50OverEmbedded.fixedRate, x)} at the fixed rate.`,
      '',
      `| stack | req/s | p50 | p99 | 1 connection: req/s | p50 | p99 | fixed rate: p50 | p99 | load generator CPU | CPU ${machine.pinning?.servers ?? 0} busy |`,
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...stacks.map((stack) => {
        const busy = chain.throughput.stacks[stack]!;
        const one = chain.oneConnection.stacks[stack]!;
        const rate = chain.fixedRate.stacks[stack];
        const flags = busy.non2xx + busy.errors > 0 ? ` (${int(busy.non2xx)} non-2xx, ${int(busy.errors)} errors)` : '';
        return `| ${stack} | ${spread(busy.requestsPerSecond, int)}${flags} | ${ms(busy.p50Ms.median)} | ${ms(busy.p99Ms.median)} | ${int(one.requestsPerSecond.median)} | ${ms(one.p50Ms.median)} | ${ms(one.p99Ms.median)} | ${rate ? ms(rate.p50Ms.median) : ''} | ${rate ? ms(rate.p99Ms.median) : ''} | ${busy.loadCpuPercent} % | ${busy.cpuBusyPercent[servers] ?? '–'} % |`;
      }),
      '',
      `CPU per request at ${chain.throughput.connections} connections, all of a stack's processes and servers (µs, median of the rounds): ${stacks
        .map((stack) => {
          const cpu = chain.throughput.cpuPerRequestUs?.[stack];
          if (!cpu) return undefined;
          const { total, ...parts } = cpu;
          const named = Object.entries(parts).filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]);
          return `${stack} ${int(total ?? 0)}${named.length > 1 ? ` (${named.map(([name, us]) => `${name} ${int(us)}`).join(', ')})` : ''}`;
        })
        .filter(Boolean)
        .join('; ')}.`,
      '',
      `Before measuring, every stack answered the same cart with ${differing.length === 0 ? 'the same quote as Agora' : `a different quote (${differing.join(', ')})`}; without a token ${conformance.map(([stack, check]) => `${stack} ${check.noToken}`).join(', ')}; an unknown product ${conformance.map(([stack, check]) => `${check.unknownProduct}`).join('/')}; quantity 0 ${conformance.map(([stack, check]) => `${check.invalidBody}`).join('/')} (same order).`,
      '',
    );
  }

  const checkout = results.checkout;
  if (checkout) {
    const topologies = Object.entries(checkout.topologies);
    const last = topologies[0]?.[1].sagaMs.histogram.at(-2)?.le ?? 0;
    const bounds = topologies[0]?.[1].sagaMs.histogram.map((bucket) => (bucket.le === null ? `> ${int(last)}` : `≤ ${int(bucket.le)}`)) ?? [];
    const searched = topologies.map(([name, t]) => `${name} ${t.search.map((step) => `${step.inFlight}: ${step.ordersPerSecond}/s`).join(', ') || 'not searched'}`).join('; ');
    lines.push(
      `**3. Checkout.** ${checkout.buyers} buyers keep a number of orders in flight for ${checkout.seconds} s a round, then the shop drains them; orders/s is the orders that reached SHIPPED over the time from the first POST to the last SHIPPED. The number in flight is found per topology first, doubled from 8 until orders/s stopped growing, the best kept (${searched}). Completion is read in bulk (the operators' newest-orders list, every 25 ms; an order older than that page is read on its own). The saga's latency is the shop's own record (createdAt → SHIPPED) for a sample of each round's orders.`,
      '',
      '| topology | in flight | orders/s | saga p50 | p90 | p99 | max | POST p50 / p99 | shipped / placed (cancelled, unfinished, refused) |',
      '|---|---|---|---|---|---|---|---|---|',
      ...topologies.map(
        ([name, t]) =>
          `| ${name} | ${t.inFlight} | ${spread(t.ordersPerSecond, (n) => String(n))} | ${ms(t.sagaMs.p50)} | ${ms(t.sagaMs.p90)} | ${ms(t.sagaMs.p99)} | ${ms(t.sagaMs.max)} | ${ms(t.postMs.p50)} / ${ms(t.postMs.p99)} | ${int(t.shipped)} / ${int(t.placed)} (${int(t.cancelled)}, ${int(t.unfinished)}, ${int(t.refused)}) |`,
      ),
      '',
      `| saga latency, orders per bucket (ms) | ${bounds.join(' | ')} |`,
      `|---|${bounds.map(() => '---').join('|')}|`,
      ...topologies.map(([name, t]) => `| ${name} | ${t.sagaMs.histogram.map((bucket) => int(bucket.count)).join(' | ')} |`),
      '',
      `CPU one order took, per process and server (ms, median of the rounds, the completion reads included): ${topologies
        .filter(([, t]) => t.cpuPerOrderMs)
        .map(([name, t]) => {
          const parts = Object.entries(t.cpuPerOrderMs).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
          const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
          return `${name} ${total.toFixed(1)}${parts.length > 1 ? ` (${parts.map(([part, ms]) => `${part} ${ms}`).join(', ')})` : ''}`;
        })
        .join('; ')}.`,
      '',
    );
  }

  const events = results.events;
  if (events) {
    lines.push(
      `**4. Events.** ${int(events.events)} events a round from ${events.producers} concurrent producers, ${events.inFlight} deliveries in flight per consumer; latency at a fixed ${int(events.latency.rate)} events/s. Agora: each event committed in the emitter's transaction to its outbox on PostgreSQL, relayed to NATS JetStream, taken by the sink's durable consumer through its inbox on PostgreSQL. Raw: the same envelope published to and consumed from JetStream directly (message id, explicit and confirmed acks, the same server). Both on both CPUs. Agora at ${spread(events.agoraOverRaw, x)} of raw.`,
      '',
      '| | events/s | send → handler p50 | p99 |',
      '|---|---|---|---|',
      `| Agora outbox → NATS → inbox | ${spread(events.eventsPerSecond.agora, int)} | ${ms(events.latency.agora.p50Ms)} | ${ms(events.latency.agora.p99Ms)} |`,
      `| raw JetStream | ${spread(events.eventsPerSecond.raw, int)} | ${ms(events.latency.raw.p50Ms)} | ${ms(events.latency.raw.p99Ms)} |`,
      '',
    );
  }

  const dispatch = results.dispatch;
  if (dispatch) {
    lines.push(
      `**5. In-process dispatch.** One call after another for ${dispatch.seconds} s a round, in one process on CPU ${machine.pinning?.servers ?? 0}. Agora at ${spread(dispatch.agoraOverMoleculer, x)} of Moleculer.`,
      '',
      '| | calls/s |',
      '|---|---|',
      `| bare \`await fn()\` | ${spread(dispatch.callsPerSecond.bare, int)} |`,
      `| Moleculer local \`broker.call\` (validated params) | ${spread(dispatch.callsPerSecond.moleculer, int)} |`,
      `| Agora typed call between two embedded services | ${spread(dispatch.callsPerSecond.agora, int)} |`,
      '',
    );
  }

  const startup = results.startup;
  if (startup) {
    lines.push(
      '**6. Start and memory.** `npm start` on a fresh data folder to the `agora ready` line, nothing else of the run busy; RSS once settled. Split and mixed include starting PostgreSQL (a new cluster), NATS and Redis.',
      '',
      '| topology | starts | `npm start` → ready | in-process start | RSS per Agora process | servers (PSS) | PSS: Agora + servers |',
      '|---|---|---|---|---|---|---|',
      ...Object.entries(startup).map(([name, t]) => {
        const servers = t.processes.filter((entry) => SERVERS.has(entry.name));
        const agora = t.processes.filter((entry) => !SERVERS.has(entry.name));
        const list = (entries: typeof t.processes, pick: (entry: (typeof t.processes)[number]) => number) => (entries.length > 0 ? `${entries.map((entry) => `${entry.name} ${int(pick(entry))}`).join(', ')} MB` : '–');
        return `| ${name} | ${t.starts} | ${spread(t.readyMs, (n) => `${(n / 1000).toFixed(2)} s`)} | ${(t.startupMs.median / 1000).toFixed(2)} s | ${list(agora, (entry) => entry.rssMb)} | ${list(servers, (entry) => entry.pssMb)} | ${int(t.pss.agoraMb)} + ${int(t.pss.serversMb)} MB |`;
      }),
      '',
    );
  }
  lines.push(...notes(results));
  return lines.join('\n');
}

function notes(results: Results): string[] {
  const notes = [
    'Notes:',
    '',
    "- Every edge checks the same kind of token (RS256 with `jose`: type, issuer, audience, expiry) and, as Agora's gateway does, remembers a verified token until it expires, so its signature is checked once, not per request.",
    "- In the chain, the peers' catalogs hold the sample products in memory; Agora's catalog reads them from its database (SQLite embedded, PostgreSQL split). Agora's gateway passes the body through unparsed and orders validates it against its contract; the peers' edges parse and validate it as well.",
    '- Latency percentiles come from every response, timed by the load generator to the microsecond (autocannon rounds to whole milliseconds).',
    '- The load generator runs in a process of its own; its CPU column is its own use of its CPU. Near 100 %, it, not the server, set the pace.',
  ];
  if (results.nestBuildMs !== undefined) notes.push("- The NestJS peer (decorators) is compiled with the project's TypeScript as the run's first step, when its sources changed.");
  return notes;
}

/** Replaces what lies between the markers in README.md; fails if they are missing. */
export function updateReadme(results: Results): void {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  writeFileSync(README, `${text.slice(0, start + START.length)}\n${renderFigures(results)}\n${text.slice(end)}`);
}
