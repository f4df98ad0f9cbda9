// A process running one service's outbox relay, killed (SIGKILL, by itself) right after the broker
// acknowledged what the relay published and before the relay marked the row sent. Started by
// `relayUntilKilled`; its instructions come in DELIVERY_RELAY.
import { killedAfterPublish } from './delivery-bus.ts';
import { deliveryProbe } from './delivery-probe.ts';
import { connectBus, host } from './delivery-stack.ts';
import type { RelayInstructions } from './delivery-relay.ts';

process.env.LOG_LEVEL ??= 'silent';
const instructions = JSON.parse(process.env.DELIVERY_RELAY ?? '') as RelayInstructions;
const probe = deliveryProbe(instructions.topic);
const bus = killedAfterPublish(await connectBus(instructions.address));
const runtime = await host(probe.source, { dataDir: instructions.address.dataDir, databaseUrl: instructions.databaseUrl, bus });
// Committed before the relay starts: its first pass publishes this row, and the process dies.
await probe.sourceContext().transaction(async (tx) => tx.publish(probe.event, instructions.subject, { n: instructions.n }));
runtime.start();
setTimeout(() => {
  process.stderr.write('the relay published nothing in 15 s\n');
  process.exit(1);
}, 15_000);
