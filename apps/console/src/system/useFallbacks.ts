import { useEffect, useState } from 'react';
import { errorText, isAbort } from '../api/client.ts';
import { fetchFallbacks, type FallbackCounts } from '../api/fallbacks.ts';

const POLL_MS = 2_000;
/** A fallback counts as "recent" for this long: long enough to be seen on the graph. */
const RECENT_MS = 10_000;

export interface Fallbacks {
  /** Since each process started. */
  total: number | undefined;
  byCall: Record<string, number>;
  /** Served within the last RECENT_MS, per `caller->target`. */
  recent: Record<string, number>;
  recentTotal: number;
  error: string | undefined;
}

/** Fallback answers served instead of failed calls, from the gateway's `/metrics`. */
export function useFallbacks(): Fallbacks {
  const [state, setState] = useState<Fallbacks>({ total: undefined, byCall: {}, recent: {}, recentTotal: 0, error: undefined });
  useEffect(() => {
    const controller = new AbortController();
    const samples: Array<{ at: number; counts: FallbackCounts }> = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const counts = await fetchFallbacks(controller.signal);
        const now = Date.now();
        samples.push({ at: now, counts });
        while (samples.length > 1 && (samples[0]?.at ?? now) < now - RECENT_MS) samples.shift();
        const oldest = samples[0]?.counts ?? counts;
        const recent = Object.fromEntries(
          Object.entries(counts.byCall)
            .map(([call, value]) => [call, value - (oldest.byCall[call] ?? 0)] as const)
            .filter(([, delta]) => delta > 0),
        );
        setState({ total: counts.total, byCall: counts.byCall, recent, recentTotal: counts.total - oldest.total, error: undefined });
      } catch (error) {
        if (isAbort(error)) return;
        setState((previous) => ({ ...previous, error: errorText(error) }));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void run(), POLL_MS);
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return state;
}
