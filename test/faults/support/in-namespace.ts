/**
 * Starts or stops a server of a shop that runs inside a network namespace, from inside it (run
 * through `ip netns exec`): the servers listen on the namespace's own loopback, which the test
 * process outside cannot reach. The server keeps running after this exits (it is detached).
 *
 *   node in-namespace.ts start-nats <dataDir> <port>
 *   node in-namespace.ts start-postgres <dataDir> <port>
 *   node in-namespace.ts stop-servers <dataDir>
 */
import { startNats, startPostgres, stopServersIn } from '@agora/infra';

const [command, dataDir, port] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: in-namespace.ts start-nats|start-postgres|stop-servers <dataDir> [port]');
if (command === 'start-nats') process.stdout.write(JSON.stringify({ pid: (await startNats(dataDir, { port: Number(port) })).pid }) + '\n');
else if (command === 'start-postgres') process.stdout.write(JSON.stringify({ pid: (await startPostgres(dataDir, { port: Number(port) })).pid }) + '\n');
else if (command === 'stop-servers') await stopServersIn(dataDir);
else throw new Error(`unknown command ${command}`);
