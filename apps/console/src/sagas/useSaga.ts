import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { FINAL_STATUSES, type Saga } from '../api/types.ts';
import { useLiveUntil } from '../api/useLiveUntil.ts';
import { usePoll, type Polled } from '../api/usePoll.ts';

const LIVE_MS = 1_000;

/** An order's saga, read every second until it is final and has settled. */
export function useSaga(admin: AdminApi, orderId: string | null): Polled<Saga> & { live: boolean } {
  const [final, setFinal] = useState(false);
  const live = useLiveUntil(orderId, final);
  const saga = usePoll(orderId ? `saga:${orderId}` : null, useCallback((signal: AbortSignal) => admin.saga(orderId ?? '', signal), [admin, orderId]), live ? LIVE_MS : 0);
  const isFinal = saga.data !== undefined && saga.data.orderId === orderId && FINAL_STATUSES.has(saga.data.status);
  if (isFinal !== final) setFinal(isFinal);
  return { ...saga, live };
}
