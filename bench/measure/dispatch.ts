/**
 * The dispatch row, in a process of its own: one call from one service to another, three ways, in
 * rounds taking turns: a bare `await fn()`, Moleculer's local `broker.call`, and Agora's typed call
 * between two services of the embedded topology (trace context, deadline, retry, breaker, bulkhead,
 * then the callee's routing and validation, in-process). Sequential awaits; calls per second.
 * Input: BENCH_SPEC = { rounds, seconds, dataDir, profileDir? }. Output: one JSON line on stdout.
 * With profileDir, Agora's first round is CPU-profiled into it (the other variants are left out).
 */
import { defaultResilience, startEmbedded, type ServiceContext } from '@agora/chassis';
import { caller, echo, echoApi } from '../agora/dispatch-services.ts';
import { profiled } from '../lib/inspector-profile.ts';
import { RESULT_PREFIX } from '../lib/measure-process.ts';
import { localBroker } from '../peers/moleculer/local.ts';

const spec = JSON.parse(process.env.BENCH_SPEC!) as { rounds: number; seconds: number; dataDir: string; profileDir?: string };

type Call = (n: number) => Promise<{ n: number }>;

/** Calls one after another for `seconds`, checking every answer; calls per second. */
async function callsPerSecond(call: Call, seconds: number): Promise<number> {
  const began = performance.now();
  const end = began + seconds * 1000;
  let calls = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) {
      const answer = await call(i);
      if (answer.n !== i) throw new Error(`answered ${answer.n} to ${i}`);
    }
    calls += 1000;
  }
  return calls / ((performance.now() - began) / 1000);
}

const bareEcho = async (input: { n: number }) => ({ n: input.n });

let context: ServiceContext | undefined;
const system = await startEmbedded([echo, caller((given) => (context = given))], {
  dataDir: spec.dataDir,
  resilience: defaultResilience,
  verifyIdempotency: false,
  maxDeliver: 20,
  consumerConcurrency: 16,
  seed: false,
});
const moleculer = await localBroker();
const variants: Record<string, Call> = {
  bare: (n) => bareEcho({ n }),
  moleculer: (n) => moleculer.call(n),
  agora: (n) => context!.call(echoApi, 'echo', { body: { n } }),
};
try {
  // Warm-up: every path compiled and its first-request work done before anything counts.
  for (const call of Object.values(variants)) await callsPerSecond(call, Math.min(0.5, spec.seconds));
  const rounds: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < spec.rounds; round++) {
    for (const [name, call] of Object.entries(variants)) {
      const profileDir = name === 'agora' && round === 0 ? spec.profileDir : undefined;
      rounds[name]!.push(Math.round(await profiled(profileDir, 'dispatch-agora', () => callsPerSecond(call, spec.seconds))));
    }
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ rounds })}\n`);
} finally {
  await moleculer.stop();
  await system.stop();
}
