import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ShopClient } from '../../support/client.ts';
import { launchShop, type ShopProcess } from '../../support/shop-process.ts';

export interface Customer {
  id: string;
  email: string;
  password: string;
  token: string;
}

/**
 * A shop for one security test file, and every secret that file hands it (passwords, access
 * tokens, card tokens), so the file can prove at its end that none of them reached a log line.
 */
export class SecurityShop {
  readonly shop: ShopProcess;
  readonly api: ShopClient;
  readonly #secrets = new Set<string>();

  private constructor(shop: ShopProcess) {
    this.shop = shop;
    this.api = new ShopClient(shop.url);
  }

  static async start(env: Record<string, string> = {}): Promise<SecurityShop> {
    return new SecurityShop(await launchShop(env));
  }

  get url(): string {
    return this.shop.url;
  }

  /** Remembers a secret this test used; returns it, so it can be used inline. */
  secret<T extends string>(value: T): T {
    this.#secrets.add(value);
    return value;
  }

  async token(email: string, password: string): Promise<string> {
    this.secret(password);
    return this.secret(await this.api.token(email, password));
  }

  /** A fresh customer with a password of its own (random, so a leak can only come from this run). */
  async customer(name = 'Customer'): Promise<Customer> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const password = this.secret(`pw-${randomBytes(12).toString('base64url')}`);
    const registered = await this.api.request('POST', '/api/v1/auth/register', { body: { email, password, name } });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    return { id: registered.body.id, email, password, token: await this.token(email, password) };
  }

  /** A card token unique to this run: declined by the test processor, but it travels the whole saga. */
  cardToken(): string {
    return this.secret(`tok_${randomBytes(9).toString('base64url')}`);
  }

  /** Every log line that contains one of the secrets, and which. */
  leaks(): Array<{ secret: string; line: string }> {
    const found: Array<{ secret: string; line: string }> = [];
    const secrets = [...this.#secrets].flatMap((secret) => {
      // A JWT's signature alone identifies it; so does its payload.
      const parts = secret.split('.');
      return (parts.length === 3 ? [secret, parts[1]!, parts[2]!] : [secret]).filter((part) => part.length >= 8);
    });
    for (const entry of this.shop.logs) {
      const line = JSON.stringify(entry);
      for (const secret of secrets) if (line.includes(secret)) found.push({ secret: `${secret.slice(0, 12)}…`, line: line.slice(0, 400) });
    }
    return found;
  }

  get secretCount(): number {
    return this.#secrets.size;
  }

  #stopped: Promise<void> | undefined;

  /** Stops the shop once and waits until its last log line has been read. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const output = this.shop.child.stdout!;
      const drained = output.closed ? Promise.resolve() : new Promise<void>((resolve) => output.once('close', () => resolve()));
      await this.shop.stop();
      await drained;
      await new Promise((resolve) => setImmediate(resolve));
    })();
    return this.#stopped;
  }
}

/**
 * The test every security file ends with: the shop is stopped (so every line it wrote, shutdown
 * included, has been read) and no line holds a secret the file used.
 */
export async function assertNothingLeaked(shop: SecurityShop): Promise<void> {
  await shop.stop();
  assert.ok(shop.shop.logs.length > 0, 'the shop wrote no log lines to check');
  const leaks = shop.leaks();
  assert.deepEqual(leaks, [], `secrets in ${leaks.length} log lines`);
}
