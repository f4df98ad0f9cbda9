import { insertOrIgnore, type ServiceContext } from '@agora/chassis';
import type { InventoryDb } from './inventory-db.ts';

/** Development sample stock for the catalog's fixed product ids; p-soldout is the out-of-stock demo. */
export const sampleStock: ReadonlyArray<readonly [productId: string, onHand: number]> = [
  ['p-keyboard', 100],
  ['p-mouse', 200],
  ['p-monitor', 30],
  ['p-headset', 80],
  ['p-webcam', 60],
  ['p-dock', 40],
  ['p-cable', 500],
  ['p-stand', 70],
  ['p-lamp', 90],
  ['p-limited', 10],
  ['p-soldout', 0],
];

/** Safe on every start: existing rows (and the orders that moved them) are left as they are. */
export async function seedInventory(ctx: ServiceContext<InventoryDb>): Promise<void> {
  const now = new Date().toISOString();
  await insertOrIgnore(
    ctx.db,
    'stock',
    sampleStock.map(([productId, onHand]) => ({ product_id: productId, on_hand: onHand, reserved: 0, shipped: 0, updated_at: now })),
    ['product_id'],
  );
}
