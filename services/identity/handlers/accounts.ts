import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { problems, type ServiceContext, type Static } from '@agora/chassis';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type Credentials, type Registration } from '../contract/api.ts';
import { userRegistered } from '../contract/events.ts';
import { toUser, type IdentityDb, type UserRow } from '../storage/identity-db.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.ts';
import type { SigningKeys } from './signing-keys.ts';

/** identity's config (see service.ts); tokens live TOKEN_TTL_SECONDS, 900 s unless set. */
export interface IdentityConfig {
  TOKEN_TTL_SECONDS: number;
}

/**
 * Creates a customer account. The email is compared in lower case; the password is hashed before the
 * transaction (scrypt is slow on purpose); the row and user.registered.v1 commit together.
 */
export async function register(ctx: ServiceContext<IdentityDb>, input: Static<typeof Registration>) {
  const email = input.email.trim().toLowerCase();
  const taken = () => problems.conflict(`${email} is already registered`, { errors: [{ field: 'body/email', message: 'is already registered' }] });
  if (await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) throw taken();
  const row: UserRow = { id: `u-${randomUUID()}`, email, name: input.name, role: 'customer', password_hash: await hashPassword(input.password), created_at: new Date().toISOString() };
  try {
    await ctx.transaction(async (tx) => {
      await tx.db.insertInto('users').values(row).execute();
      tx.publish(userRegistered, row.id, { userId: row.id, email, name: row.name });
    });
  } catch (error) {
    // Two registrations of one email raced past the check: the unique index decided.
    if (await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) throw taken();
    throw error;
  }
  return toUser(row);
}

/** Exchanges credentials for a short-lived RS256 access token. */
export async function issueToken(ctx: ServiceContext<IdentityDb, IdentityConfig>, keys: SigningKeys, input: Static<typeof Credentials>) {
  const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', input.email.trim().toLowerCase()).executeTakeFirst();
  const valid = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !valid) throw problems.unauthorized('email or password is wrong');
  const key = await keys.current();
  const ttl = ctx.config.TOKEN_TTL_SECONDS;
  const accessToken = await new SignJWT({ role: user.role, email: user.email })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: ttl };
}

/** The signed-in user; a token whose subject no longer exists gets a 404. */
export async function findUser(ctx: ServiceContext<IdentityDb>, id: string) {
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw problems.notFound(`user ${id} does not exist`);
  return toUser(row);
}
