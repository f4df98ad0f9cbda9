import { useCallback, useState } from 'react';
import { api } from './client.ts';
import type { TokenResponse, User } from './types.ts';

/** Where the operator's and the storefront's sessions are kept (sessionStorage). */
export const ADMIN_SESSION = 'agora.console.admin';
export const SHOP_SESSION = 'agora.console.shop';

export interface Session {
  token: string;
  user: User;
}

/** Exchanges credentials for a token and reads who it belongs to. */
export async function signIn(email: string, password: string): Promise<Session> {
  const { access_token: token } = await api<TokenResponse>('/api/v1/auth/token', { method: 'POST', body: { email, password } });
  const user = await api<User>('/api/v1/users/me', { token });
  return { token, user };
}

/**
 * A session kept in sessionStorage under `key`: it survives a reload of the tab and ends with it,
 * and each tab signs in on its own.
 */
export function useStoredSession(key: string): [Session | null, (session: Session | null) => void] {
  const [session, setSession] = useState<Session | null>(() => read(key));
  const update = useCallback(
    (next: Session | null) => {
      if (next) sessionStorage.setItem(key, JSON.stringify(next));
      else sessionStorage.removeItem(key);
      setSession(next);
    },
    [key],
  );
  return [session, update];
}

function read(key: string): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Session | null;
    return stored && typeof stored.token === 'string' && stored.user ? stored : null;
  } catch {
    return null;
  }
}
