import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { isAlive } from './server-process.ts';
import { isListening, startNats, startPostgres, startRedis } from './index.ts';

describe('local servers for the split topology', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-infra-'));
  // PostgreSQL runs as its own user when the tests run as root: it must reach the folder.
  chmodSync(dataDir, 0o755);
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts PostgreSQL, creates a database, and reuses the live server on a second start', async () => {
    const server = await startPostgres(dataDir);
    try {
      assert.equal(server.started, true);
      await server.ensureDatabase('orders');
      await server.ensureDatabase('orders');
      const client = new pg.Client({ connectionString: server.url('orders') });
      await client.connect();
      const { rows } = await client.query('SELECT current_database() AS name');
      await client.end();
      assert.equal(rows[0].name, 'orders');
      const again = await startPostgres(dataDir);
      assert.equal(again.started, false);
      assert.equal(again.port, server.port);
    } finally {
      await server.stop();
    }
    assert.equal(isAlive(server.pid), false);
  });

  it('starts NATS with JetStream and Redis on free loopback ports, and stops them', async () => {
    const [nats, redis] = await Promise.all([startNats(dataDir), startRedis(dataDir)]);
    assert.match(nats.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
    assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await isListening(nats.port), true);
    await Promise.all([nats.stop(), redis.stop()]);
    assert.equal(await isListening(nats.port), false);
    assert.equal(await isListening(redis.port), false);
  });
});
