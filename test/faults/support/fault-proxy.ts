import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to one upstream's traffic, toxiproxy-style: `latency` holds every chunk of a
 * connection for a delay drawn once per connection; `reset` answers every connection, open or new,
 * with a TCP RST; `blackhole` accepts and forwards nothing, closing nothing.
 */
export type Toxic = { kind: 'latency'; minMs: number; maxMs: number } | { kind: 'reset' } | { kind: 'blackhole' };

/** What a trap caught: the first bytes of the answer it withheld. */
export interface TrapHit {
  request: string;
  response: string;
}

interface Trap {
  request: RegExp;
  /** Runs with the answer withheld; the caller's connection is reset once it returns. */
  onResponse: (hit: TrapHit) => Promise<void>;
  caught: (hit: TrapHit) => void;
}

interface Route {
  label: string;
  server: Server;
  connections: Set<Connection>;
}

interface Connection {
  client: Socket;
  upstream: Socket;
  /** The delay this connection drew under the current latency toxic. */
  delayMs?: number;
  /** Neither direction's chunks may overtake each other while delayed. */
  lastDelivery: number;
  trapped?: { trap: Trap; request: string };
}

const random = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));

/**
 * A TCP proxy on loopback for fault injection between services: each route listens on an address
 * of its own and forwards to one upstream, and faults are switched on and off per label (a
 * service's name) while connections are open.
 */
export class FaultProxy {
  readonly #routes = new Map<string, Route>();
  readonly #toxics = new Map<string, Toxic>();
  readonly #traps = new Map<string, Trap>();

  /** Listens on `listen` and forwards to `upstream`; one route per listening address. */
  async route(label: string, listen: { host: string; port: number }, upstream: { host: string; port: number }): Promise<void> {
    const key = `${listen.host}:${listen.port}`;
    const existing = this.#routes.get(key);
    if (existing) {
      existing.label = label;
      return;
    }
    const route: Route = { label, server: createServer((client) => this.#accept(route, client, upstream)), connections: new Set() };
    this.#routes.set(key, route);
    await new Promise<void>((done, fail) => route.server.once('error', fail).listen(listen.port, listen.host, done));
  }

  /** Switches a fault on for every route of `label` (or off, with undefined). */
  toxic(label: string, toxic: Toxic | undefined): void {
    if (toxic) this.#toxics.set(label, toxic);
    else this.#toxics.delete(label);
    for (const route of this.#routesOf(label)) {
      for (const connection of route.connections) {
        connection.delayMs = undefined;
        if (toxic?.kind === 'reset') this.#reset(connection);
      }
    }
  }

  /**
   * The next answer on a connection whose request matches `request` is withheld: `onResponse` runs
   * (it may kill the upstream), then the caller's connection is reset. Resolves with what was caught.
   */
  trap(label: string, request: RegExp, onResponse: (hit: TrapHit) => Promise<void>): Promise<TrapHit> {
    return new Promise((caught) => this.#traps.set(label, { request, onResponse, caught }));
  }

  async close(): Promise<void> {
    for (const route of this.#routes.values()) {
      for (const connection of route.connections) this.#reset(connection);
      await new Promise((done) => route.server.close(done));
    }
    this.#routes.clear();
  }

  #routesOf(label: string): Route[] {
    return [...this.#routes.values()].filter((route) => route.label === label);
  }

  #accept(route: Route, client: Socket, upstream: { host: string; port: number }): void {
    if (this.#toxics.get(route.label)?.kind === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const connection: Connection = { client, upstream: connect(upstream.port, upstream.host), lastDelivery: 0 };
    route.connections.add(connection);
    client.on('close', () => route.connections.delete(connection));
    this.#forward(route, connection, client, connection.upstream, 'request');
    this.#forward(route, connection, connection.upstream, client, 'response');
  }

  #forward(route: Route, connection: Connection, from: Socket, to: Socket, direction: 'request' | 'response'): void {
    from.on('data', (chunk: Buffer) => {
      if (direction === 'request') this.#arm(route, connection, chunk);
      else if (connection.trapped) return void this.#spring(route, connection, chunk);
      const toxic = this.#toxics.get(route.label);
      if (toxic?.kind === 'blackhole') return;
      if (toxic?.kind !== 'latency') return void to.write(chunk);
      connection.delayMs ??= random(toxic.minMs, toxic.maxMs);
      const at = Math.max(Date.now() + connection.delayMs, connection.lastDelivery);
      connection.lastDelivery = at;
      setTimeout(() => to.writable && to.write(chunk), at - Date.now());
    });
    // A reset travels on as a reset; an orderly close as one, after any delayed chunk.
    from.on('error', () => this.#reset(connection));
    from.on('end', () => setTimeout(() => to.writable && to.end(), Math.max(0, connection.lastDelivery - Date.now())));
  }

  #arm(route: Route, connection: Connection, chunk: Buffer): void {
    const trap = this.#traps.get(route.label);
    const request = chunk.toString('latin1', 0, 256);
    if (!trap || !trap.request.test(request)) return;
    this.#traps.delete(route.label);
    connection.trapped = { trap, request };
  }

  async #spring(route: Route, connection: Connection, chunk: Buffer): Promise<void> {
    const { trap, request } = connection.trapped!;
    // Later chunks of the same answer are withheld too.
    if (!route.connections.has(connection)) return;
    route.connections.delete(connection);
    const hit = { request, response: chunk.toString('latin1', 0, 256) };
    try {
      await trap.onResponse(hit);
    } finally {
      this.#reset(connection);
      trap.caught(hit);
    }
  }

  #reset(connection: Connection): void {
    if (!connection.client.destroyed) connection.client.resetAndDestroy();
    if (!connection.upstream.destroyed) connection.upstream.resetAndDestroy();
  }
}
