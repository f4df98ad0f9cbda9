import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorText, isAbort } from './client.ts';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** The gateway does not serve this route (404 "no route" or 405). */
  missing: boolean;
  loading: boolean;
  /** Fetch again now (after a change the page made). */
  refresh: () => void;
}

/**
 * Fetches on mount, whenever `key` changes (null: not at all), and then `intervalMs` after each
 * answer (0: once). An unmounted component's request is aborted.
 */
export function usePoll<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>, intervalMs: number): Polled<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: string; missing: boolean; loading: boolean }>({ key, missing: false, loading: key !== null });
  const loadRef = useRef(load);
  loadRef.current = load;
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((value) => value + 1), []);

  useEffect(() => {
    if (key === null) {
      setState({ key, missing: false, loading: false });
      return;
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      let permanent = false;
      try {
        const data = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) setState({ key, data, missing: false, loading: false });
      } catch (error) {
        if (isAbort(error) || controller.signal.aborted) return;
        const missing = error instanceof ApiError && error.routeMissing;
        permanent = error instanceof ApiError && isPermanent(error.status);
        setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, error: errorText(error), missing, loading: false }));
      }
      // Asking again will not make a missing route or an unknown order appear; `refresh` asks anew.
      if (intervalMs > 0 && !permanent && !controller.signal.aborted) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, intervalMs, generation]);

  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    missing: current && state.missing,
    loading: !current || state.loading,
    refresh,
  };
}

/** Client errors other than timeouts and rate limits: the same request gets the same answer. */
const isPermanent = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;
