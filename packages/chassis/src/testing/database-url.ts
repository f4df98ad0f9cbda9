import { randomBytes } from 'node:crypto';

/** The same server's URL with another database in its path: `postgres://u@h:1/postgres` → `…/test_x_orders`. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Per service, the URL of its throwaway database on the server. */
export function databaseUrls(serverUrl: string, names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([service, name]) => [service, withDatabase(serverUrl, name)]));
}

/** Per service, a database name no parallel test file shares: `test_<run>_<service>`. */
export function throwawayNames(services: string[]): Record<string, string> {
  const run = randomBytes(4).toString('hex');
  return Object.fromEntries(services.map((service) => [service, `test_${run}_${service.replaceAll(/[^A-Za-z0-9_]/g, '_')}`]));
}
