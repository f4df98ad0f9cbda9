// Plain Fastify for the gateway row: GET /api/v1/products/:id from memory, the id checked by JSON
// Schema and the answer serialized from its schema; no auth.
import Fastify from 'fastify';
import { productsById, rules } from '../shared/products.ts';

const app = Fastify({ logger: false });

const product = {
  type: 'object',
  properties: { id: { type: 'string' }, sku: { type: 'string' }, name: { type: 'string' }, priceCents: { type: 'integer' }, currency: { type: 'string' } },
} as const;

app.get<{ Params: { id: string } }>(
  '/api/v1/products/:id',
  { schema: { params: { type: 'object', properties: { id: { type: 'string', ...rules.productId } } }, response: { 200: product } } },
  async (request, reply) => productsById.get(request.params.id) ?? reply.code(404).send({ title: 'Not Found' }),
);

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ ready: address })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
