import { constants, createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openServiceDatabase } from '@agora/chassis';
import { identity } from '@agora/identity/service';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@agora/identity/contract/api';
import type { ShopProcess } from '../../support/shop-process.ts';

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export type Claims = Record<string, unknown>;
export type Header = Record<string, unknown>;

/** Claims identity would put in a customer's token, valid for 15 minutes from now. */
export function customerClaims(sub: string, overrides: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub, role: 'customer', iat: now, exp: now + 900, ...overrides };
}

/** `header.payload.signature`, signed with an RSA key under the given RS/PS algorithm. */
export function signRsa(header: Header, claims: Claims, key: KeyObject): string {
  const input = `${encode(header)}.${encode(claims)}`;
  const alg = String(header.alg);
  const hash = `sha${alg.slice(2)}`;
  const options = alg.startsWith('PS') ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 } : key;
  return `${input}.${sign(hash, Buffer.from(input), options).toString('base64url')}`;
}

/** HS256 with whatever the attacker takes for a secret (the server's public key, say). */
export function signHmac(header: Header, claims: Claims, secret: string | Buffer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** No signature at all. */
export function unsigned(header: Header, claims: Claims): string {
  return `${encode(header)}.${encode(claims)}.`;
}

/** A key pair of the attacker's own. */
export function attackerKeys() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/**
 * identity's real signing key, read from its database: only a test can do this, and it lets the
 * suite mint tokens whose signature is good and whose claims are not (expired, other audience…),
 * so what is checked is the claim, not the signature.
 */
export async function identitySigningKey(shop: ShopProcess): Promise<{ kid: string; privateKey: KeyObject }> {
  let databaseUrl: string | undefined;
  try {
    databaseUrl = (JSON.parse(readFileSync(join(shop.dataDir, 'connections.json'), 'utf8')) as Record<string, string>).IDENTITY_DATABASE_URL;
  } catch {
    // Embedded: the SQLite file in the data folder.
  }
  const database = await openServiceDatabase<any>({ service: 'identity', dataDir: shop.dataDir, databaseUrl, poolSize: 1 }, identity.storage.migrations);
  try {
    const row = await database.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').executeTakeFirstOrThrow();
    return { kid: row.kid, privateKey: createPrivateKey({ key: JSON.parse(row.private_jwk), format: 'jwk' }) };
  } finally {
    await database.close();
  }
}
