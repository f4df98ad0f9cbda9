import type { Caller, Principal } from '@agora/chassis';
import { inventoryApi } from '@agora/inventory/contract/api';
import { SOLD_OUT_PRODUCT } from './operations.ts';

/** A product with fewer than this many on hand is topped up… */
export const RESTOCK_BELOW = 20;
/** …to this many. */
export const RESTOCK_TO = 100;

/** Tops up what runs low; resolves with how many products it topped up. */
export type Restock = () => Promise<number>;

/**
 * The warehouse beside generated traffic: products that run low are topped up on behalf of the
 * operator who started the traffic (an admin), through inventory's own admin routes, so a long run
 * keeps selling instead of ending in nothing but out-of-stock cancellations. The demo's sold-out
 * product stays sold out: its checkouts are meant to be refused.
 */
export function inventoryRestock(caller: Caller, operator: Principal): Restock {
  const principal = JSON.stringify(operator);
  return async () => {
    const { items } = await caller.call(inventoryApi, 'listStock', {}, { principal });
    const low = items.filter((level) => level.productId !== SOLD_OUT_PRODUCT && level.onHand < RESTOCK_BELOW);
    await Promise.all(
      low.map((level) => caller.call(inventoryApi, 'setStock', { params: { productId: level.productId }, body: { onHand: RESTOCK_TO } }, { principal })),
    );
    return low.length;
  };
}
