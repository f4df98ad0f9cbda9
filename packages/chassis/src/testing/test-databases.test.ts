import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placeServices, testDatabaseServersFromEnv } from './test-databases.ts';

describe('test database placement', () => {
  const services = ['catalog', 'orders', 'payments'];

  it('keeps every service on SQLite when no server is given', () => {
    assert.deepEqual(placeServices(services, testDatabaseServersFromEnv({})), { onMysql: [], onPostgres: [] });
  });

  it('puts only the listed services on MySQL and the rest on PostgreSQL when both are given', () => {
    const servers = testDatabaseServersFromEnv({ AGORA_TEST_POSTGRES_URL: 'postgres://pg/postgres', AGORA_TEST_MYSQL_URL: 'mysql://my/', AGORA_TEST_MYSQL_SERVICES: ' orders ,' });
    assert.deepEqual(placeServices(services, servers), { onMysql: ['orders'], onPostgres: ['catalog', 'payments'] });
  });

  it('puts every service on MySQL when the list is unset or *', () => {
    for (const list of [undefined, '*', '']) {
      const servers = testDatabaseServersFromEnv({ AGORA_TEST_MYSQL_URL: 'mysql://my/', AGORA_TEST_MYSQL_SERVICES: list });
      assert.deepEqual(placeServices(services, servers), { onMysql: services, onPostgres: [] });
    }
  });

  it('leaves unlisted services on SQLite when only MySQL is given', () => {
    const servers = testDatabaseServersFromEnv({ AGORA_TEST_MYSQL_URL: 'mysql://my/', AGORA_TEST_MYSQL_SERVICES: 'orders' });
    assert.deepEqual(placeServices(services, servers), { onMysql: ['orders'], onPostgres: [] });
  });
});
