// Plain Fastify + undici, hop 2: validates the cart, asks catalog for prices over HTTP (undici keep-alive pool), totals it.
import Fastify from 'fastify';
import { Pool } from 'undici';
import { cartJsonSchema, priceQuote, type Product } from '../shared/products.ts';

const catalog = new Pool(process.env.CATALOG_URL!, { connections: 64 });
// Refuse unknown fields, as Agora's contracts do (Fastify's default Ajv would strip them).
const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });

app.post<{ Body: { items: Array<{ productId: string; quantity: number }> } }>('/internal/v1/quotes', { schema: { body: cartJsonSchema } }, async (request, reply) => {
  const ids = [...new Set(request.body.items.map((item) => item.productId))];
  const answer = await catalog.request({ method: 'POST', path: '/internal/v1/products/lookup', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
  if (answer.statusCode !== 200) {
    await answer.body.dump();
    return reply.code(502).send({ title: 'catalog failed' });
  }
  const { items } = (await answer.body.json()) as { items: Product[] };
  const priced = priceQuote(request.body.items, items);
  if ('unknown' in priced) return reply.code(422).send({ title: `product ${priced.unknown.productId} does not exist`, field: `body/items/${priced.unknown.index}/productId` });
  return priced.quote;
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ ready: address })}\n`);
process.on('SIGTERM', () => void app.close().then(() => catalog.close()).then(() => process.exit(0)));
