import { insertOrIgnore, type ServiceContext } from '@agora/chassis';
import { productChanged } from '../contract/events.ts';
import type { CatalogDb } from './catalog-db.ts';

/** Development sample data. Ids are fixed so the inventory seed can stock the same products. */
export const sampleProducts = [
  { id: 'p-keyboard', sku: 'KB-100', name: 'Mechanical keyboard', category: 'peripherals', priceCents: 8900, description: 'Tenkeyless, hot-swappable switches.' },
  { id: 'p-mouse', sku: 'MS-200', name: 'Wireless mouse', category: 'peripherals', priceCents: 3900, description: 'Six buttons, three-month battery.' },
  { id: 'p-monitor', sku: 'MN-270', name: '27" monitor', category: 'displays', priceCents: 32900, description: '2560x1440, 144 Hz.' },
  { id: 'p-headset', sku: 'HS-300', name: 'Headset', category: 'audio', priceCents: 7900, description: 'Closed-back, detachable microphone.' },
  { id: 'p-webcam', sku: 'WC-400', name: 'Webcam', category: 'video', priceCents: 5900, description: '1080p, privacy shutter.' },
  { id: 'p-dock', sku: 'DK-500', name: 'USB-C dock', category: 'peripherals', priceCents: 14900, description: 'Two displays, 100 W charging.' },
  { id: 'p-cable', sku: 'CB-600', name: 'USB-C cable', category: 'accessories', priceCents: 1200, description: '2 m, 240 W.' },
  { id: 'p-stand', sku: 'ST-700', name: 'Laptop stand', category: 'accessories', priceCents: 4500, description: 'Aluminium, adjustable height.' },
  { id: 'p-lamp', sku: 'LP-800', name: 'Desk lamp', category: 'lighting', priceCents: 3500, description: 'Warm to cold white.' },
  { id: 'p-limited', sku: 'LT-900', name: 'Limited edition keycaps', category: 'peripherals', priceCents: 9900, description: 'Only a few were made.' },
  { id: 'p-soldout', sku: 'SO-999', name: 'Sold-out speaker', category: 'audio', priceCents: 19900, description: 'Always out of stock: the out-of-stock demo.' },
] as const;

export async function seedCatalog(ctx: ServiceContext<CatalogDb>): Promise<void> {
  const now = new Date().toISOString();
  for (const product of sampleProducts) {
    await ctx.transaction(async (tx) => {
      const inserted = await insertOrIgnore(
        tx.db,
        'products',
        { id: product.id, sku: product.sku, name: product.name, description: product.description, category: product.category, price_cents: product.priceCents, currency: 'EUR', version: 1, created_at: now, updated_at: now },
        ['id'],
      );
      if (inserted > 0) {
        tx.publish(productChanged, product.id, { productId: product.id, sku: product.sku, name: product.name, priceCents: product.priceCents, currency: 'EUR', change: 'created' });
      }
    });
  }
}
