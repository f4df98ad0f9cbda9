import { insertOrIgnore, type ServiceContext } from '@agora/chassis';
import type { IdentityDb } from './identity-db.ts';

/**
 * The demo accounts printed at start (alice@example.com / alice-password, admin@example.com /
 * admin-password). Fixed ids; inserted once. The hashes are scrypt hashes of those public passwords,
 * made ahead of time so seeding costs no key derivation (one is ~60 ms); identity.test.ts signs in
 * with both, so a hash that stops matching its password fails there.
 */
const demoUsers = [
  { id: 'u-alice', email: 'alice@example.com', name: 'Alice', role: 'customer', password_hash: 'scrypt$16384$8$1$z7W+lYp3GOYOSB4KsZiQHA==$bS+8qrDP81RsfO8WiN7/z01LEy3nDRAS5emzSxGyDTg=' },
  { id: 'u-admin', email: 'admin@example.com', name: 'Admin', role: 'admin', password_hash: 'scrypt$16384$8$1$BaWjL4QMCYvpg9auaAt6KQ==$fjmAYSj9f729Y5o10wmTUDwd0VV/Wudt500tYj3E9yE=' },
] as const;

/** Idempotent: an account that already exists (by id or email) is left as it is. */
export async function seedIdentity(ctx: ServiceContext<IdentityDb>): Promise<void> {
  const createdAt = new Date().toISOString();
  await insertOrIgnore(ctx.db, 'users', demoUsers.map((user) => ({ ...user, created_at: createdAt })));
}
