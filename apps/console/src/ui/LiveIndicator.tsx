import type { LiveState } from '../api/live.ts';

/** Whether the live stream is flowing, and how old its latest tick is. */
export function LiveIndicator({ live }: { live: LiveState }) {
  const text = live.connected ? 'live' : live.error ? 'reconnecting' : 'connecting';
  return (
    <span className={`live-indicator ${live.connected ? 'is-live' : 'is-off'}`} data-testid="live-indicator" data-tick={live.latest?.at ?? ''} title={live.error ?? (live.latest ? `last tick ${live.latest.at}` : 'waiting for the first tick')}>
      <span className="live-dot-mark" aria-hidden="true" />
      {text}
    </span>
  );
}
