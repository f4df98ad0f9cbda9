// Runs a command with a local PostgreSQL server for it: `node scripts/with-postgres.ts <command…>`.
// The server lives under data/test-postgres (reused between runs); the command gets its address in
// AGORA_TEST_POSTGRES_URL, so every test system in it puts each service on a database of its own.
import { startPostgres } from '@agora/infra';
import { runWithServer } from './run-with-server.ts';

await runWithServer(import.meta.filename, 'test-postgres', async (dataDir) => {
  const postgres = await startPostgres(dataDir);
  return { env: { AGORA_TEST_POSTGRES_URL: postgres.url('postgres') }, stop: () => postgres.stop() };
});
