import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ShopClient } from '../support/client.ts';
import { launchShop } from '../support/shop-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('process lifecycle: configuration, readiness, graceful shutdown', () => {
  it('refuses to start on bad configuration, naming each bad variable', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'apps/cli/src/agora.ts'), 'start'], {
      env: { ...process.env, PORT: 'eighty', SAGA_STYLE: 'both', DATA_DIR: join(ROOT, 'data-never-created') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /PORT="eighty"/);
    assert.match(result.stderr, /SAGA_STYLE="both"/);
    assert.doesNotMatch(result.stderr, /at .+\.ts:\d+/, 'a message, not a stack trace');
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const shop = await launchShop();
    try {
      const api = new ShopClient(shop.url);
      const admin = await api.token('admin@example.com', 'admin-password');
      const alice = await api.token('alice@example.com', 'alice-password');
      // A slow catalog keeps the checkout in flight while the stop request arrives.
      await api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: admin, body: { latencyMs: 700, errorRate: 0 } });
      const inFlight = api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exited = shop.kill('SIGTERM');
      const answer = await inFlight;
      assert.equal(answer.status, 202, 'the request that was in flight still got its answer');
      assert.equal(await exited, 0);
      assert.ok(shop.logs.some((line) => line.msg === 'stopped'));
    } finally {
      rmSync(shop.dataDir, { recursive: true, force: true });
    }
  });

  it('is ready only once every service is, and says which ones it checked', async () => {
    const shop = await launchShop();
    try {
      const ready = await fetch(`${shop.url}/readyz`).then((response) => response.json() as Promise<{ checks: Record<string, string> }>);
      assert.deepEqual(Object.values(ready.checks), ['up', 'up', 'up', 'up', 'up', 'up']);
    } finally {
      await shop.stop();
    }
  });
});
