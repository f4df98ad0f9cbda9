// Moleculer, hop 1: moleculer-web as the edge. `authenticate` checks the bearer token; the edge's own
// `quote` action validates the body and calls orders.quote over NATS (ctx.meta.user travels with it).
import ApiGateway from 'moleculer-web';
import { ServiceBroker, type Context } from 'moleculer';
import { bearerVerifier, jwksFromEnv } from '../shared/bearer.ts';
import { cartParams } from './params.ts';

const verify = bearerVerifier(jwksFromEnv());
const broker = new ServiceBroker({ namespace: 'bench', nodeID: 'edge', transporter: { type: 'NATS', options: { url: process.env.NATS_URL } }, logger: false });

broker.createService({
  name: 'api',
  mixins: [ApiGateway],
  settings: {
    ip: '127.0.0.1',
    port: Number(process.env.PORT ?? 0),
    routes: [
      {
        path: '/api/v1',
        authentication: true,
        mappingPolicy: 'restrict',
        bodyParsers: { json: true },
        aliases: { 'POST orders/quote': 'api.quote' },
      },
    ],
  },
  actions: {
    quote: {
      params: cartParams,
      handler(ctx: Context<{ items: unknown[] }>) {
        return ctx.call('orders.quote', ctx.params);
      },
    },
  },
  methods: {
    async authenticate(_ctx: Context, _route: unknown, req: { headers: Record<string, string | undefined> }) {
      const user = await verify(req.headers.authorization);
      if (!user) throw new ApiGateway.Errors.UnAuthorizedError(ApiGateway.Errors.ERR_INVALID_TOKEN, null);
      return user;
    },
  },
});

await broker.start();
await broker.waitForServices(['orders'], 30_000);
const address = (broker.getLocalService('api') as unknown as { server: { address(): { port: number } } }).server.address();
process.stdout.write(`${JSON.stringify({ ready: `http://127.0.0.1:${address.port}` })}\n`);
process.on('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
