/** Every generated customer has this password; they exist only to make traffic. */
export const SHOPPER_PASSWORD = 'load-shopper-password';

/** A handful of customers spreads the traffic over several users' rate limits, as real buyers would. */
export const SHOPPER_COUNT = 10;

export const shopperEmail = (n: number) => `shopper-${n}@load.agora.test`;

const REMEMBERED_ORDERS = 10;

/** One generated customer, as the generator knows it: signed in or not, paging, with recent orders. */
export class Shopper {
  readonly n: number;
  readonly email: string;
  /** Registered in this shop (or found already there). */
  registered = false;
  token: string | undefined;
  /** A login under way, shared by every operation that needs this shopper's token meanwhile. */
  signingIn: Promise<string> | undefined;
  /** Where this shopper is in the product list (`nextCursor` of the page last read). */
  cursor: string | undefined;
  /** Recent orders, oldest first. */
  readonly orders: string[] = [];

  constructor(n: number) {
    this.n = n;
    this.email = shopperEmail(n);
  }

  remember(orderId: string): void {
    this.orders.push(orderId);
    if (this.orders.length > REMEMBERED_ORDERS) this.orders.shift();
  }
}

/** The product ids seen while browsing: what shoppers look at and buy. */
export class KnownProducts {
  readonly #ids = new Set<string>();

  learn(ids: string[]): void {
    for (const id of ids) this.#ids.add(id);
  }

  /** A random known id other than `except`; undefined before any list page was read. */
  pick(random: () => number, except: string[] = []): string | undefined {
    const ids = [...this.#ids].filter((id) => !except.includes(id));
    return ids.length === 0 ? undefined : ids[Math.floor(random() * ids.length)];
  }
}
