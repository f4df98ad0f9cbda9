import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '@agora/infra';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';
import { faultRun } from './support/fault-run.ts';
import { fullRun, runSeed } from './support/random.ts';

describe('faults, embedded: SIGKILL of the whole shop under a concurrent workload', () => {
  it('keeps every acknowledged order, once, with stock and money adding up', async () => {
    const seed = runSeed();
    const full = fullRun();
    // A fixed port, so clients reach the restarted shop at the same address.
    const port = String(await freePort());
    const env = { AGORA_TOPOLOGY: 'embedded', PORT: port };
    let shop: ShopProcess = await launchShop(env);
    const dataDir = shop.dataDir;
    try {
      const report = await faultRun({
        name: 'embedded-kill',
        topology: 'embedded',
        seed,
        baseUrl: () => shop.url,
        actions: {
          // Down for `holdMs`, then started again on the same DATA_DIR.
          'kill-shop': async (holdMs) => {
            const pid = shop.child.pid!;
            await shop.kill('SIGKILL');
            await new Promise((done) => setTimeout(done, holdMs));
            shop = await launchShop(env, dataDir);
            return { target: `agora pid ${pid}`, services: ['agora'] };
          },
        },
        schedule: { kinds: [{ kind: 'kill-shop', holdMs: [0, 1_500] }], count: full ? 10 : 3, firstAtMs: 3_000, gapMs: full ? [5_000, 10_000] : [5_000, 8_000] },
        customers: full ? 10 : 6,
        maxOperations: full ? 20_000 : 4_000,
        quietTailMs: 5_000,
        deadlineMs: 5_000,
        settleMs: 30_000,
        readinessTargets: () => ({ agora: [shop.url] }),
        // A killed shop is not ready, whatever else: the probes must see it.
        mustGoDown: ['kill-shop'],
        // A killed shop's connections are reset and a down one refuses at once, so a client hears
        // well within its 5 s deadline; a p99 past it means operations hung on a shop that was up.
        latencyBoundMs: 5_000,
      });
      assert.equal(report.faults.length, full ? 10 : 3, 'every planned fault was injected');
      assert.deepEqual(report.verdict.problems, [], `seed ${seed}`);
      assert.ok(report.verdict.acknowledged > 0);
      assert.ok(report.operationsDuringFaults >= report.faults.length, 'the workload was running while the faults hit');
      assert.ok(report.faults.every((fault) => fault.readiness?.wentDown && fault.readiness.cameBack), 'readiness went down with each kill and came back');
    } finally {
      await shop.stop();
    }
  });
});
