import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { insertOrIgnore, type Kysely } from '@agora/chassis';
import type { IdentityDb } from '../storage/identity-db.ts';

type PrivateKey = Awaited<ReturnType<typeof importJWK>>;

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

/** The key that signs: the first one stored. Every process (and every racing request) picks the same row. */
function firstKey(db: Kysely<IdentityDb>) {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').executeTakeFirst();
}

/** Makes an RSA-2048 pair and stores it; re-reads, so a key another process stored first wins. */
async function createKey(db: Kysely<IdentityDb>) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  await insertOrIgnore(db, 'signing_keys', { kid, private_jwk: JSON.stringify(await exportJWK(privateKey)), public_jwk: JSON.stringify(publicJwk), created_at: new Date().toISOString() }, ['kid']);
  return (await firstKey(db))!;
}

/**
 * The RS256 key that signs access tokens, made the first time it is needed (never at import or
 * seed time) and kept in identity's own database, so tokens stay valid across restarts. Loaded
 * once per process; concurrent first requests share one load. Every stored key is published in
 * the JWKS, so even a key that lost a cross-process race verifies what it signed.
 */
export function signingKeys(db: Kysely<IdentityDb>) {
  let current: Promise<SigningKey> | undefined;

  async function load(): Promise<SigningKey> {
    const row = (await firstKey(db)) ?? (await createKey(db));
    return { kid: row.kid, privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, 'RS256'), publicJwk: JSON.parse(row.public_jwk) as JWK };
  }

  return {
    current(): Promise<SigningKey> {
      current ??= load().catch((error: unknown) => {
        current = undefined; // a failed load (database down) is tried again by the next request
        throw error;
      });
      return current;
    },
    async publicKeys(): Promise<JWK[]> {
      await this.current();
      const rows = await db.selectFrom('signing_keys').select('public_jwk').orderBy('created_at').orderBy('kid').execute();
      return rows.map((row) => JSON.parse(row.public_jwk) as JWK);
    },
  };
}

export type SigningKeys = ReturnType<typeof signingKeys>;
