import type { ServiceContext } from '@agora/chassis';
import { hashPassword } from '../handlers/passwords.ts';
import type { IdentityDb } from './identity-db.ts';

/** The demo accounts printed at start. Fixed ids; inserted once. */
const demoUsers = [
  { id: 'u-alice', email: 'alice@example.com', password: 'alice-password', name: 'Alice', role: 'customer' as const },
  { id: 'u-admin', email: 'admin@example.com', password: 'admin-password', name: 'Admin', role: 'admin' as const },
];

export async function seedIdentity(ctx: ServiceContext<IdentityDb>): Promise<void> {
  const existing = new Set((await ctx.db.selectFrom('users').select('id').where('id', 'in', demoUsers.map((user) => user.id)).execute()).map((row) => row.id));
  for (const user of demoUsers.filter((candidate) => !existing.has(candidate.id))) {
    await ctx.db
      .insertInto('users')
      .values({ id: user.id, email: user.email, name: user.name, role: user.role, password_hash: await hashPassword(user.password), created_at: new Date().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
