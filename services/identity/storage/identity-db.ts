import { defineStorage, type Selectable } from '@agora/chassis';
import { createUsers } from './migrations/001-users.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
  password_hash: string;
  created_at: string;
}

/** RS256 key pairs as JWK text; the first stored signs, all are published (handlers/signing-keys.ts). */
export interface SigningKeysTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: string;
}

export interface IdentityDb {
  users: UsersTable;
  signing_keys: SigningKeysTable;
}

export type UserRow = Selectable<UsersTable>;

export const identityStorage = defineStorage<IdentityDb>({ '001-users': createUsers });

/** The public view of a user: the password hash never leaves the service. */
export function toUser(row: UserRow) {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}
