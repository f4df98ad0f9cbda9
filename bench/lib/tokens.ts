// A signing key of the harness's own for the peers, and a customer token signed the way Agora's
// identity service signs one (services/identity/handlers/accounts.ts).
import { randomUUID } from 'node:crypto';
import { TOKEN_AUDIENCE as AGORA_AUDIENCE, TOKEN_ISSUER as AGORA_ISSUER } from '@agora/identity/contract/api';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../peers/shared/bearer.ts';

export interface PeerKeys {
  /** The public key set, passed to every peer as BENCH_JWKS. */
  jwks: string;
  /** A customer's access token, valid for an hour. */
  customerToken: string;
}

export async function peerKeys(): Promise<PeerKeys> {
  // The peers check the same claims as Agora's gateway; they keep their own copy so they load nothing of Agora.
  if (TOKEN_ISSUER !== AGORA_ISSUER || TOKEN_AUDIENCE !== AGORA_AUDIENCE) throw new Error('peers/shared/bearer.ts: issuer or audience differ from identity\'s');
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const customerToken = await new SignJWT({ role: 'customer', email: 'bench@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .setJti(randomUUID())
    .sign(privateKey);
  return { jwks: JSON.stringify({ keys: [jwk] }), customerToken };
}
