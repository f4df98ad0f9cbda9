import type { ApiContract } from '@agora/chassis';

/**
 * Which service owns a route the gateway serves, by method and route template (the `route` label
 * of `agora_http_requests_total` and the `http.route` of the gateway's spans).
 */
export class RouteOwners {
  readonly #owners = new Map<string, string>();

  constructor(contracts: ApiContract[]) {
    for (const contract of contracts) {
      for (const route of Object.values(contract.routes)) {
        if (route.access !== 'internal') this.#owners.set(`${route.method} ${route.path}`, contract.service);
      }
    }
  }

  ownerOf(method: string, route: string): string | undefined {
    // Fastify answers HEAD on every GET route.
    return this.#owners.get(`${method === 'HEAD' ? 'GET' : method} ${route}`);
  }
}
