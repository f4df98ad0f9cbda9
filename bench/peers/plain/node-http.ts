// The floor for the gateway row: node:http answering GET /api/v1/products/:id with the product's
// JSON from memory; no auth, no validation, no framework.
import { createServer } from 'node:http';
import { productsById } from '../shared/products.ts';

const PREFIX = '/api/v1/products/';
const bodies = new Map([...productsById].map(([id, product]) => [id, JSON.stringify(product)]));

const server = createServer((request, response) => {
  const body = request.method === 'GET' && request.url?.startsWith(PREFIX) ? bodies.get(request.url.slice(PREFIX.length)) : undefined;
  if (!body) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"title":"Not Found"}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
});
// Like Fastify's and Agora's defaults: keep idle connections open for the load generator's reuse.
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ ready: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
