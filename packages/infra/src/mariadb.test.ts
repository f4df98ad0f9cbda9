import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from './server-process.ts';
import { startMariaDb } from './index.ts';

describe('local MariaDB for the split topology', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-infra-mariadb-'));
  // MariaDB runs as its own user when the tests run as root: it must reach the folder.
  chmodSync(dataDir, 0o755);
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts MariaDB, creates a binary-collated database, and reuses the live server on a second start', async () => {
    const server = await startMariaDb(dataDir);
    try {
      assert.equal(server.started, true);
      assert.match(server.url('orders'), /^mysql:\/\/root@127\.0\.0\.1:\d+\/orders$/);
      await server.ensureDatabase('orders');
      await server.ensureDatabase('orders');
      const sql = "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'orders'";
      const query = spawnSync('mariadb', ['--no-defaults', '--protocol=TCP', '--host=127.0.0.1', `--port=${server.port}`, '--user=root', '--batch', '--skip-column-names', `--execute=${sql}`], { encoding: 'utf8' });
      assert.equal(query.stdout.trim(), 'utf8mb4_bin', query.stderr);
      const again = await startMariaDb(dataDir);
      assert.equal(again.started, false);
      assert.equal(again.port, server.port);
    } finally {
      await server.stop();
    }
    assert.equal(isAlive(server.pid), false);
  });
});
