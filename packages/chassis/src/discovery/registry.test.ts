import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNats, type LocalNats } from '@agora/infra';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { eventually } from '../testing/index.ts';
import { rootLogger } from '../telemetry/logger.ts';
import { DiscoveredDirectory } from './discovered-directory.ts';
import { ServiceRegistry } from './registry.ts';

function echoServer(name: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.end(name));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

describe('service discovery on NATS KV, with client-side load balancing', () => {
  let dataDir: string;
  let nats: LocalNats;
  let registry: ServiceRegistry;
  const logger = rootLogger();

  before(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dataDir = mkdtempSync(join(tmpdir(), 'agora-registry-'));
    nats = await startNats(dataDir);
    registry = await ServiceRegistry.connect({ natsUrl: nats.url, logger, heartbeatMs: 200 });
  });
  after(async () => {
    await registry.close();
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('spreads calls over every live instance, and drops one that refuses connections at once', async () => {
    const a = await echoServer('a');
    const b = await echoServer('b');
    const owner = await ServiceRegistry.connect({ natsUrl: nats.url, logger, heartbeatMs: 200 });
    await owner.register('echo', a.url);
    await owner.register('echo', b.url);
    const directory = new DiscoveredDirectory(registry);
    await eventually(() => registry.instances('echo').length === 2, 3_000, 'both instances discovered');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await directory.transport('echo').request({ method: 'GET', url: '/', headers: {} })).body);
    assert.deepEqual(new Set(answers), new Set(['a', 'b']));

    await new Promise((done) => b.server.close(done));
    b.server.closeAllConnections();
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await directory.transport('echo').request({ method: 'GET', url: '/', headers: {} }).then((response) => response.body, () => 'refused'));
    assert.ok(after.filter((answer) => answer === 'refused').length <= 1, `at most one refused call before b is ejected: ${after}`);
    assert.equal(after.at(-1), 'a');

    await owner.close();
    await eventually(() => registry.instances('echo').length === 0, 3_000, 'a graceful stop withdraws both at once');
    await directory.close();
    a.server.close();
  });

  it('forgets an instance whose process was killed, within a few heartbeats', async () => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { ServiceRegistry } = await import(${JSON.stringify(new URL('./registry.ts', import.meta.url).href)});
         const { rootLogger } = await import(${JSON.stringify(new URL('../telemetry/logger.ts', import.meta.url).href)});
         const registry = await ServiceRegistry.connect({ natsUrl: ${JSON.stringify(nats.url)}, logger: rootLogger(), heartbeatMs: 200 });
         await registry.register('doomed', 'http://127.0.0.1:9');
         console.log('registered');`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk) => String(chunk).includes('registered') && resolve()));
    await eventually(() => registry.instances('doomed').length === 1, 3_000, 'the instance is seen');
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(() => registry.instances('doomed').length === 0, 3_000, 'the killed instance leaves rotation');
    assert.ok(Date.now() - killedAt < 2_000);
  });

  it("keeps an instance whose host's clock runs 30 s behind in rotation while it beats", async () => {
    // A writer stamping its heartbeats from a clock 30 s behind the reader's.
    const nc = await connect({ servers: nats.url });
    const kv = await new Kvm(nc).open('agora-services');
    const beat = () => kv.put('skewed.behind', JSON.stringify({ service: 'skewed', id: 'behind', url: 'http://127.0.0.1:9', version: '1', pid: 1, seenAt: Date.now() - 30_000 }));
    await beat();
    const timer = setInterval(() => void beat(), 200);
    try {
      await eventually(() => registry.instances('skewed').length === 1, 3_000, 'the instance is seen');
      await new Promise((done) => setTimeout(done, 1_000));
      assert.equal(registry.instances('skewed').length, 1, 'still in rotation after five heartbeats');
    } finally {
      clearInterval(timer);
      await kv.delete('skewed.behind');
      await nc.close();
    }
  });

  it('splits traffic by release as the route table says at run time, for every reader at once', async () => {
    const stable = await echoServer('1.0.0');
    const canary = await echoServer('2.0.0');
    const owner = await ServiceRegistry.connect({ natsUrl: nats.url, logger, heartbeatMs: 200 });
    await owner.register('split', stable.url, '1.0.0');
    await owner.register('split', canary.url, '2.0.0');
    const directory = new DiscoveredDirectory(registry);
    await eventually(() => registry.instances('split').length === 2, 3_000, 'both releases discovered');
    const answers = async (count: number) => {
      const seen: string[] = [];
      for (let i = 0; i < count; i++) seen.push((await directory.transport('split').request({ method: 'GET', url: '/', headers: {} })).body);
      return seen;
    };

    // Set by another connection (the deploy command's), followed by this reader's directory.
    await owner.routes.set('split', [{ version: '1.0.0', weight: 0 }, { version: '2.0.0', weight: 100 }]);
    await eventually(() => registry.routes.weights('split') !== undefined, 3_000, 'the weights reach the reader');
    assert.deepEqual(new Set(await answers(10)), new Set(['2.0.0']));

    await owner.routes.set('split', [{ version: '1.0.0', weight: 100 }]);
    await eventually(() => registry.routes.weights('split')?.length === 1, 3_000, 'the change reaches the reader');
    assert.deepEqual(new Set(await answers(10)), new Set(['1.0.0']));

    await owner.routes.set('split', []);
    await eventually(() => registry.routes.weights('split') === undefined, 3_000, 'clearing reaches the reader');
    assert.deepEqual(new Set(await answers(10)), new Set(['1.0.0', '2.0.0']));

    await owner.close();
    await directory.close();
    stable.server.close();
    canary.server.close();
  });
});
