import { useEffect, useState } from 'react';

/** Late arrivals (a refund after a cancellation) can land just after the final status. */
const SETTLE_MS = 5_000;

/**
 * Whether something identified by `key` is still worth reading live: until it has been `final` for
 * a few seconds. Returns false for a null key.
 */
export function useLiveUntil(key: string | null, final: boolean): boolean {
  const [settled, setSettled] = useState<string | null>(null);
  useEffect(() => {
    if (!final || key === null) return;
    const timer = setTimeout(() => setSettled(key), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [final, key]);
  return key !== null && settled !== key;
}
