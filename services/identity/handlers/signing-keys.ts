import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { ServiceContext } from '@agora/chassis';
import type { IdentityDb } from '../storage/identity-db.ts';

type PrivateKey = Awaited<ReturnType<typeof importJWK>>;

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

/**
 * The RS256 key that signs access tokens, made the first time it is needed and kept in identity's
 * own database (so tokens stay valid across restarts). Two racing first requests agree on one key.
 */
export function signingKeys(ctx: ServiceContext<IdentityDb>) {
  let current: Promise<SigningKey> | undefined;

  async function load(): Promise<SigningKey> {
    let row = await ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').executeTakeFirst();
    if (!row) {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const kid = randomUUID();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
      await ctx.db
        .insertInto('signing_keys')
        .values({ kid, private_jwk: JSON.stringify(await exportJWK(privateKey)), public_jwk: JSON.stringify(publicJwk), created_at: new Date().toISOString() })
        .execute();
      row = await ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    }
    return { kid: row.kid, privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, 'RS256'), publicJwk: JSON.parse(row.public_jwk) as JWK };
  }

  return {
    current(): Promise<SigningKey> {
      current ??= load().catch((error) => {
        current = undefined;
        throw error;
      });
      return current;
    },
    async publicKeys(): Promise<JWK[]> {
      const rows = await ctx.db.selectFrom('signing_keys').select('public_jwk').execute();
      if (rows.length === 0) return [(await this.current()).publicJwk];
      return rows.map((row) => JSON.parse(row.public_jwk) as JWK);
    },
  };
}

export type SigningKeys = ReturnType<typeof signingKeys>;
