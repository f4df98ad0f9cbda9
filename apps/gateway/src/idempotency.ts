import { createHash } from 'node:crypto';
import { insertOrIgnore, keyText, problems, type Kysely, type ServiceMigration } from '@agora/chassis';

export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  state: 'in-flight' | 'done';
  locked_until: number;
  status: number | null;
  headers: string | null;
  body: string | null;
  expires_at: number;
}

export interface GatewayDb {
  idempotency: IdempotencyTable;
}

export const gatewayMigrations: Record<string, ServiceMigration> = {
  '001-idempotency': {
    async up({ db, dialect }) {
      await db.schema
        .createTable('idempotency')
        .addColumn('scope', keyText(dialect), (c) => c.notNull())
        .addColumn('key', keyText(dialect, 255), (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('locked_until', 'bigint', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('headers', 'text')
        .addColumn('body', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_pk', ['scope', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_expiry').on('idempotency').column('expires_at').execute();
    },
  },
};

export const MAX_KEY_LENGTH = 255;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim = { kind: 'proceed' } | { kind: 'replay'; response: StoredResponse };

export function requestHash(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method} ${path}\n${body}`).digest('base64url');
}

export function readKey(header: string | string[] | undefined): string {
  const key = typeof header === 'string' ? header : '';
  if (key.trim() === '') throw problems.validation('headers/idempotency-key is required for this write', { errors: [{ field: 'headers/idempotency-key', message: 'is required' }] });
  if (key.length > MAX_KEY_LENGTH) throw problems.validation(`headers/idempotency-key must be at most ${MAX_KEY_LENGTH} characters`, { errors: [{ field: 'headers/idempotency-key', message: `must be at most ${MAX_KEY_LENGTH} characters` }] });
  return key;
}

/**
 * Idempotency-Key records, scoped per user: the first request with a key claims it; the same key and
 * body later replays the stored answer; a different body is 422; a claim still in flight is 409.
 */
export class IdempotencyStore {
  readonly #db: Kysely<GatewayDb>;
  readonly #ttlMs: number;
  readonly #lockMs: number;

  constructor(db: Kysely<GatewayDb>, ttlSeconds: number, lockSeconds: number) {
    this.#db = db;
    this.#ttlMs = ttlSeconds * 1000;
    this.#lockMs = lockSeconds * 1000;
  }

  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const now = Date.now();
    const inserted = await insertOrIgnore(
      this.#db,
      'idempotency',
      { scope, key, request_hash: hash, state: 'in-flight', locked_until: now + this.#lockMs, status: null, headers: null, body: null, expires_at: now + this.#ttlMs },
      ['scope', 'key'],
    );
    if (inserted === 1) return { kind: 'proceed' };

    const record = await this.#db.selectFrom('idempotency').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!record || Number(record.expires_at) <= now) {
      // Expired: the key is free again.
      await this.#db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).where('expires_at', '<=', now).execute();
      return this.claim(scope, key, hash);
    }
    if (record.request_hash !== hash) {
      throw problems.unprocessable('this Idempotency-Key was already used with a different request', { errors: [{ field: 'headers/idempotency-key', message: 'was used with a different body' }] });
    }
    if (record.state === 'done') {
      return { kind: 'replay', response: { status: Number(record.status), headers: JSON.parse(record.headers ?? '{}'), body: record.body ?? '' } };
    }
    if (Number(record.locked_until) > now) {
      throw problems.conflict('a request with this Idempotency-Key is still being processed', { headers: { 'retry-after': '1' } });
    }
    // The first attempt never finished (the gateway died): take the claim over. The service
    // behind deduplicates on the same key, so this cannot create a second order.
    const taken = await this.#db
      .updateTable('idempotency')
      .set({ locked_until: now + this.#lockMs })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('locked_until', '=', record.locked_until)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) return { kind: 'proceed' };
    throw problems.conflict('a request with this Idempotency-Key is still being processed', { headers: { 'retry-after': '1' } });
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.#db
      .updateTable('idempotency')
      .set({ state: 'done', status: response.status, headers: JSON.stringify(response.headers), body: response.body })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }

  /** A failed attempt (5xx, timeout) frees the key so the client's retry runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.#db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).where('state', '=', 'in-flight').execute();
  }

  async sweep(): Promise<void> {
    await this.#db.deleteFrom('idempotency').where('expires_at', '<=', Date.now()).execute();
  }
}
