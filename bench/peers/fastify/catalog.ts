// Plain Fastify + undici, hop 3: prices of several products from memory, ids validated by JSON Schema.
import Fastify from 'fastify';
import { lookupJsonSchema, productsById } from '../shared/products.ts';

// Refuse unknown fields, as Agora's contracts do (Fastify's default Ajv would strip them).
const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });

app.post<{ Body: { ids: string[] } }>(
  '/internal/v1/products/lookup',
  { schema: { body: lookupJsonSchema } },
  async (request) => ({ items: [...new Set(request.body.ids)].flatMap((id) => productsById.get(id) ?? []) }),
);

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ ready: address })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
