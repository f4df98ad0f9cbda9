// Moleculer, hop 3: a broker on the NATS transporter with the catalog service; prices from memory.
import { ServiceBroker } from 'moleculer';
import { productsById } from '../shared/products.ts';
import { lookupParams } from './params.ts';

const broker = new ServiceBroker({ namespace: 'bench', nodeID: 'catalog', transporter: { type: 'NATS', options: { url: process.env.NATS_URL } }, logger: false });

broker.createService({
  name: 'catalog',
  actions: {
    lookup: {
      params: lookupParams,
      handler(ctx) {
        const { ids } = ctx.params as { ids: string[] };
        return { items: [...new Set(ids)].flatMap((id) => productsById.get(id) ?? []) };
      },
    },
  },
});

await broker.start();
process.stdout.write(`${JSON.stringify({ ready: 'catalog' })}\n`);
process.on('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
