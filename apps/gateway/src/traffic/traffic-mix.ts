import type { TrafficKind } from '../console-api/contract.ts';

/**
 * The share of each kind, roughly a shop's day: mostly browsing, a checkout now and then (some with
 * a card that is declined, some for a product that is sold out), buyers watching their orders, and
 * the odd change of mind. Logins are few: tokens last 15 minutes and each one costs an scrypt hash.
 */
export const TRAFFIC_MIX: Readonly<Record<TrafficKind, number>> = {
  browse: 0.55,
  login: 0.03,
  checkout: 0.17,
  declined: 0.04,
  outOfStock: 0.03,
  orderStatus: 0.15,
  cancel: 0.03,
};

/** Every kind, in the mix's order: the mix names each kind once, so no list can forget one. */
export const TRAFFIC_KINDS = Object.keys(TRAFFIC_MIX) as TrafficKind[];

/** One kind, drawn by its share (`random` in [0, 1)). */
export function pickKind(random: () => number, mix: Readonly<Record<TrafficKind, number>> = TRAFFIC_MIX): TrafficKind {
  const total = TRAFFIC_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  let left = random() * total;
  for (const kind of TRAFFIC_KINDS) {
    left -= mix[kind];
    if (left < 0) return kind;
  }
  return 'browse';
}
