// Moleculer, hop 2: the orders service validates the cart, calls catalog.lookup over NATS, totals it.
import { Errors, ServiceBroker } from 'moleculer';
import { priceQuote, type Product } from '../shared/products.ts';
import { cartParams } from './params.ts';

const broker = new ServiceBroker({ namespace: 'bench', nodeID: 'orders', transporter: { type: 'NATS', options: { url: process.env.NATS_URL } }, logger: false });

broker.createService({
  name: 'orders',
  actions: {
    quote: {
      params: cartParams,
      async handler(ctx) {
        const { items } = ctx.params as { items: Array<{ productId: string; quantity: number }> };
        const { items: priced } = await ctx.call<{ items: Product[] }, { ids: string[] }>('catalog.lookup', { ids: [...new Set(items.map((item) => item.productId))] });
        const result = priceQuote(items, priced);
        if ('unknown' in result) {
          throw new Errors.MoleculerClientError(`product ${result.unknown.productId} does not exist`, 422, 'UNKNOWN_PRODUCT', { field: `items/${result.unknown.index}/productId` });
        }
        return result.quote;
      },
    },
  },
});

await broker.start();
await broker.waitForServices(['catalog'], 30_000);
process.stdout.write(`${JSON.stringify({ ready: 'orders' })}\n`);
process.on('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
