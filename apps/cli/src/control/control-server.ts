import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { services } from '../../../../topology.ts';
import type { ProcessSpec, ProcessTable } from './process-table.ts';

const VERSION = /^[A-Za-z0-9._-]{1,64}$/;

/** Where a running split supervisor listens for `agora deploy` and `agora status`: in its data folder. */
export function controlSocketPath(dataDir: string): string {
  return join(resolve(dataDir), 'control.sock');
}

/**
 * The supervisor's control API, on a Unix socket only its user can open (no port, no token: who
 * can reach the socket can run processes as this user anyway).
 *
 *   GET    /processes                  the process table
 *   POST   /processes                  start one: { services, version, root }
 *   POST   /processes/:id/supervise    from now on, restart it when it crashes
 *   DELETE /processes/:id              stop it gracefully
 */
export async function startControlServer(dataDir: string, table: ProcessTable): Promise<{ close(): Promise<void> }> {
  const path = controlSocketPath(dataDir);
  // A socket left by a killed supervisor is removed; one that answers belongs to a running one.
  if (await answers(path)) throw new Error(`another split shop runs on ${dataDir} (${path} answers)`);
  rmSync(path, { force: true });
  const server = createServer((request, response) => {
    route(request, response, table).catch((error: Error) => send(response, 500, problem(500, error.message)));
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(path, done));
  chmodSync(path, 0o600);
  return { close: () => closeServer(server, path) };
}

async function route(request: IncomingMessage, response: ServerResponse, table: ProcessTable): Promise<void> {
  const [, collection, id, action] = (request.url ?? '').split('?')[0]!.split('/');
  if (collection !== 'processes') return send(response, 404, problem(404, 'no such resource'));
  if (request.method === 'GET' && !id) return send(response, 200, table.list());
  if (request.method === 'POST' && !id) {
    const checked = checkSpec(await readJson(request));
    if (typeof checked === 'string') return send(response, 400, problem(400, checked));
    return send(response, 201, table.start(checked));
  }
  if (request.method === 'POST' && id && action === 'supervise') {
    const info = table.supervise(id);
    return info ? send(response, 200, info) : send(response, 404, problem(404, `no process ${id}`));
  }
  if (request.method === 'DELETE' && id && !action) {
    return (await table.stop(id)) ? send(response, 204, undefined) : send(response, 404, problem(404, `no process ${id}`));
  }
  return send(response, 405, problem(405, `${request.method} ${request.url} is not supported`));
}

/** A process spec, or what is wrong with it (naming the field). */
function checkSpec(body: unknown): ProcessSpec | string {
  if (typeof body !== 'object' || body === null) return 'the body must be a JSON object';
  const { services: names, version, root } = body as Record<string, unknown>;
  const known = new Set(services.map((service) => service.name));
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string' && known.has(name))) {
    return `services: a non-empty list from ${[...known].join(', ')}`;
  }
  if (typeof version !== 'string' || !VERSION.test(version)) return 'version: letters, digits, dots, dashes and underscores';
  if (typeof root !== 'string' || !existsSync(join(root, 'apps', 'cli', 'src', 'agora.ts'))) return 'root: a folder holding apps/cli/src/agora.ts (an artifact or a checkout)';
  return { services: names as string[], version, root: resolve(root) };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += chunk;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function problem(status: number, detail: string): { type: string; title: string; status: number; detail: string } {
  return { type: 'about:blank', title: status >= 500 ? 'Internal error' : 'Bad request', status, detail };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function closeServer(server: Server, path: string): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(path, { force: true });
}
