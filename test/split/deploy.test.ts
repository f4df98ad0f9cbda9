/**
 * `agora build`, `publish` and `deploy` against a running split shop, the way an operator uses
 * them: a good release replaces the orders process one instance at a time under traffic; a broken
 * one is caught by its canary gate and rolled back, and traffic never sees an error rate above the gate.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ShopClient } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const GATE_ERROR_RATE = 0.1;

interface CommandResult {
  code: number;
  output: string;
}

describe('agora build, publish and deploy on a local environment', () => {
  let shop: ShopProcess;
  let api: ShopClient;
  let work: string;
  let env: NodeJS.ProcessEnv;

  const agora = (...args: string[]): Promise<CommandResult> =>
    new Promise((done) => {
      execFile(process.execPath, [join(ROOT, 'apps/cli/src/agora.ts'), ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
      });
    });

  /** Customers listing their orders through the gateway while `during` runs; the answers' statuses. */
  async function underTraffic<T>(token: string, during: () => Promise<T>): Promise<{ result: T; statuses: number[] }> {
    const statuses: number[] = [];
    let running = true;
    const workers = Array.from({ length: 4 }, async () => {
      while (running) {
        statuses.push((await api.request('GET', '/api/v1/orders', { token })).status);
        await sleep(20);
      }
    });
    try {
      return { result: await during(), statuses };
    } finally {
      running = false;
      await Promise.all(workers);
    }
  }

  function orderProcesses(status: string): Array<{ version: string; supervised: string }> {
    return status
      .split('\n')
      .filter((line) => line.startsWith('orders-'))
      .map((line) => line.trim().split(/\s+/))
      .map(([, version, , , supervised]) => ({ version: version!, supervised: supervised! }));
  }

  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'split' });
    api = new ShopClient(shop.url);
    work = mkdtempSync(join(tmpdir(), 'agora-deploy-'));
    const environments = join(work, 'environments.yaml');
    writeFileSync(
      environments,
      [
        'environments:',
        '  local:',
        '    kind: local',
        `    dataDir: ${shop.dataDir}`,
        `    repository: ${join(work, 'published')}`,
        '    gate:',
        '      canaryWeight: 5',
        `      errorRate: ${GATE_ERROR_RATE}`,
        '      observeSeconds: 5',
        '      minRequests: 10',
        '      readyTimeoutSeconds: 60',
        '',
      ].join('\n'),
    );
    env = { ...process.env, AGORA_ENVIRONMENTS: environments, AGORA_ARTIFACTS: join(work, 'builds'), LOG_LEVEL: 'warn' };
  });
  after(async () => {
    await shop.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds an immutable artifact and publishes it once', async () => {
    const built = await agora('build', '--artifact', 'orders', '--version', '1.4.0');
    assert.equal(built.code, 0, built.output);
    const manifest = JSON.parse(readFileSync(join(work, 'builds', 'orders', '1.4.0', 'artifact.json'), 'utf8'));
    assert.equal(manifest.artifact, 'orders');
    assert.match(manifest.digest, /^sha256:[0-9a-f]{64}$/);

    const again = await agora('build', '--artifact', 'orders', '--version', '1.4.0');
    assert.notEqual(again.code, 0);
    assert.match(again.output, /already built.*immutable/);

    const published = await agora('publish', '--artifact', 'orders', '--version', '1.4.0', '--environment', 'local');
    assert.equal(published.code, 0, published.output);
    assert.match(published.output, /^published orders 1\.4\.0/m);
    const republished = await agora('publish', '--artifact', 'orders', '--version', '1.4.0', '--environment', 'local');
    assert.match(republished.output, /already published/);

    const unpublished = await agora('deploy', '--artifact', 'orders', '--version', '9.9.9', '--environment', 'local');
    assert.notEqual(unpublished.code, 0);
    assert.match(unpublished.output, /not published/);
  });

  it('rolls a good release out under traffic without a single error', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const { result, statuses } = await underTraffic(alice, () => agora('deploy', '--artifact', 'orders', '--version', '1.4.0', '--environment', 'local'));
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /canary: 1\.4\.0 gets 5%/);
    assert.match(result.output, /passed its gate/);
    assert.match(result.output, /^deployed: orders 1\.4\.0/m);
    assert.ok(statuses.length > 50, `traffic flowed during the deploy (${statuses.length} requests)`);
    assert.deepEqual(statuses.filter((status) => status !== 200), [], 'no request failed during the rollout');

    const status = await agora('status', '--environment', 'local');
    assert.deepEqual(orderProcesses(status.output), [{ version: '1.4.0', supervised: 'true' }], status.output);
  });

  it('rolls a broken release back automatically; traffic never sees more errors than the gate allows', async () => {
    // The same code, except that listing orders fails: a release that starts and reports ready,
    // and only real requests show it is broken.
    const source = join(work, 'broken-source');
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'topology.ts', 'packages', 'services', 'apps/cli', 'apps/gateway']) {
      cpSync(join(ROOT, file), join(source, file), { recursive: true, filter: (path) => !path.includes('node_modules') });
    }
    const handlerFile = join(source, 'services/orders/handlers/query-orders.ts');
    const original = readFileSync(handlerFile, 'utf8');
    const broken = original.replace(/(export async function listOrders\([^)]*\) \{)/, "$1\n  throw new Error('broken release');");
    assert.notEqual(broken, original, 'the broken release differs from the good one');
    writeFileSync(handlerFile, broken);
    assert.equal((await agora('build', '--artifact', 'orders', '--version', '1.4.1', '--source', source)).code, 0);
    assert.equal((await agora('publish', '--artifact', 'orders', '--version', '1.4.1', '--environment', 'local')).code, 0);

    const alice = await api.token('alice@example.com', 'alice-password');
    const { result, statuses } = await underTraffic(alice, () => agora('deploy', '--artifact', 'orders', '--version', '1.4.1', '--environment', 'local'));
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /failed its gate: error rate/);
    assert.match(result.output, /^rolled back: orders 1\.4\.1 failed its gate/m);
    const failed = statuses.filter((status) => status >= 500).length;
    assert.ok(failed > 0, 'the canary did serve some traffic (and failed it)');
    assert.ok(failed / statuses.length <= GATE_ERROR_RATE, `error rate seen by traffic ${failed}/${statuses.length} stays within the gate`);

    const status = await agora('status', '--environment', 'local');
    assert.deepEqual(orderProcesses(status.output), [{ version: '1.4.0', supervised: 'true' }], status.output);
    assert.doesNotMatch(status.output, /traffic split orders/, 'the canary split is cleared');
    const after = await Promise.all(Array.from({ length: 20 }, () => api.request('GET', '/api/v1/orders', { token: alice })));
    assert.deepEqual(after.map((response) => response.status).filter((code) => code !== 200), [], 'the old release serves every request again');
  });
});
