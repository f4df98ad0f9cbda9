import { ApiError } from './client.ts';

/** Fallback answers served instead of a failed call, per `caller->target`, since each process started. */
export interface FallbackCounts {
  total: number;
  byCall: Record<string, number>;
}

const SERIES = /^agora_fallbacks_total\{([^}]*)\}\s+([0-9.eE+-]+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * The live stream does not carry fallbacks; the gateway's `/metrics` (summed over every instance)
 * counts them in `agora_fallbacks_total{service, target, operation}`.
 */
export async function fetchFallbacks(signal: AbortSignal): Promise<FallbackCounts> {
  const response = await fetch('/metrics', { signal, headers: { accept: 'text/plain' } });
  if (!response.ok) throw new ApiError(response.status, response.statusText || `HTTP ${response.status}`);
  return parseFallbacks(await response.text());
}

export function parseFallbacks(text: string): FallbackCounts {
  const counts: FallbackCounts = { total: 0, byCall: {} };
  for (const line of text.split('\n')) {
    const match = SERIES.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[1] ?? '').matchAll(LABEL)].map(([, name, value]) => [name, value]));
    const value = Number(match[2]);
    if (!Number.isFinite(value)) continue;
    const call = `${labels.service ?? '?'}->${labels.target ?? '?'}`;
    counts.byCall[call] = (counts.byCall[call] ?? 0) + value;
    counts.total += value;
  }
  return counts;
}
