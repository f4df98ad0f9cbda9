// Runs a command with a local MariaDB server for it: `node scripts/with-mariadb.ts <command…>`.
// The server lives under data/test-mariadb (reused between runs); the command gets its address in
// AGORA_TEST_MYSQL_URL, so every test system in it puts each service on a database of its own there
// (only those in AGORA_TEST_MYSQL_SERVICES, comma-separated, when that is set: e.g. `orders`).
import { startMariaDb } from '@agora/infra';
import { runWithServer } from './run-with-server.ts';

await runWithServer(import.meta.filename, 'test-mariadb', async (dataDir) => {
  const mariadb = await startMariaDb(dataDir);
  return { env: { AGORA_TEST_MYSQL_URL: mariadb.url() }, stop: () => mariadb.stop() };
});
