import { useEffect, useState } from 'react';
import { errorText, isAbort, problemOf, reportUnauthorized } from './client.ts';
import type { CompletedTrace, LiveTick } from './types.ts';

/** About a minute of ticks: what the sparklines draw. */
export const HISTORY_TICKS = 60;
const RECENT_TRACES = 100;
const RECONNECT_MS = 1_000;

export interface RecentTrace extends CompletedTrace {
  at: string;
}

export interface LiveState {
  /** Oldest first, at most HISTORY_TICKS. */
  ticks: LiveTick[];
  latest: LiveTick | undefined;
  /** Requests seen finishing at the gateway, newest first. */
  recentTraces: RecentTrace[];
  connected: boolean;
  error: string | undefined;
}

const initial: LiveState = { ticks: [], latest: undefined, recentTraces: [], connected: false, error: undefined };

/**
 * Follows `GET /api/v1/admin/live`. `EventSource` cannot send an Authorization header, so the
 * stream is read with fetch and a reader, frame by frame; it reconnects a second after it ends.
 */
export function useLiveStream(token: string | null): LiveState {
  const [state, setState] = useState<LiveState>(initial);

  useEffect(() => {
    setState(initial);
    if (!token) return;
    const controller = new AbortController();
    const onTick = (tick: LiveTick) =>
      setState((previous) => ({
        ticks: [...previous.ticks, tick].slice(-HISTORY_TICKS),
        latest: tick,
        recentTraces: [...tick.traces.map((trace) => ({ ...trace, at: tick.at })).reverse(), ...previous.recentTraces].slice(0, RECENT_TRACES),
        connected: true,
        error: undefined,
      }));
    const follow = async () => {
      while (!controller.signal.aborted) {
        try {
          await readStream(token, controller.signal, onTick);
          setState((previous) => ({ ...previous, connected: false }));
        } catch (error) {
          if (isAbort(error) || controller.signal.aborted) return;
          setState((previous) => ({ ...previous, connected: false, error: errorText(error) }));
        }
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    };
    void follow();
    return () => controller.abort();
  }, [token]);

  return state;
}

async function readStream(token: string, signal: AbortSignal, onTick: (tick: LiveTick) => void): Promise<void> {
  const response = await fetch('/api/v1/admin/live', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal });
  if (!response.ok || !response.body) {
    if (response.status === 401) reportUnauthorized(token);
    throw await problemOf(response);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    // Frames end with a blank line; comment lines (heartbeats) carry no data.
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) onTick(JSON.parse(data) as LiveTick);
    }
  }
}
