// Plain Fastify + undici, hop 1 (the edge): verifies the bearer token, validates the body, forwards to orders over HTTP.
import Fastify from 'fastify';
import { Pool } from 'undici';
import { bearerVerifier, jwksFromEnv, type Principal } from '../shared/bearer.ts';
import { cartJsonSchema } from '../shared/products.ts';

const verify = bearerVerifier(jwksFromEnv());
const orders = new Pool(process.env.ORDERS_URL!, { connections: 64 });
// Refuse unknown fields, as Agora's contracts do (Fastify's default Ajv would strip them).
const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });

app.decorateRequest('user', null);
declare module 'fastify' {
  interface FastifyRequest {
    user: Principal | null;
  }
}

// Before the body is parsed, as Agora's gateway does: no token, no validation error.
app.addHook('onRequest', async (request, reply) => {
  const principal = await verify(request.headers.authorization);
  if (!principal) return reply.code(401).header('www-authenticate', 'Bearer').send({ title: 'Unauthorized' });
  request.user = principal;
});


app.post('/api/v1/orders/quote', { schema: { body: cartJsonSchema } }, async (request, reply) => {
  const answer = await orders.request({
    method: 'POST',
    path: '/internal/v1/quotes',
    headers: { 'content-type': 'application/json', 'x-principal': request.user!.sub },
    body: JSON.stringify(request.body),
  });
  const body = await answer.body.text();
  return reply.code(answer.statusCode).type('application/json').send(body);
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ ready: address })}\n`);
process.on('SIGTERM', () => void app.close().then(() => orders.close()).then(() => process.exit(0)));
