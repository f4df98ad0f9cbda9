// Summaries of repeated rounds: the median as the figure, min and max as its spread.

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every round's value, in the order measured. */
  rounds: number[];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function spread(values: number[], digits = 2): Spread {
  const round = (value: number) => Number(value.toFixed(digits));
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)), rounds: values.map(round) };
}

/** The p-th percentile of already sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** a / b, rounded; NaN when either side is missing or b is 0. */
export function ratio(a: number, b: number, digits = 2): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return Number((a / b).toFixed(digits));
}

/** Counts per upper bound (ms); the last bucket holds everything above the largest bound. */
export function histogram(values: number[], bounds: number[]): Array<{ le: number | null; count: number }> {
  const buckets = bounds.map((le) => ({ le: le as number | null, count: 0 }));
  const over = { le: null, count: 0 };
  for (const value of values) {
    const bucket = buckets.find((candidate) => value <= (candidate.le as number));
    if (bucket) bucket.count++;
    else over.count++;
  }
  return [...buckets, over];
}
