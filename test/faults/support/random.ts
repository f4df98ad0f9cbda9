/** A small seeded generator (mulberry32), so a printed seed replays the same schedule and choices. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A copy in a drawn order (Fisher–Yates). */
export function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export const between = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

/** `AGORA_FAULTS_SEED` when given, else a fresh one; the run prints it either way. */
export function runSeed(): number {
  const given = process.env.AGORA_FAULTS_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`AGORA_FAULTS_SEED must be a non-negative integer, got ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** `npm run test:faults -- --full` or `AGORA_FAULTS_FULL=1`: a longer schedule. */
export const fullRun = (): boolean => process.env.AGORA_FAULTS_FULL === '1' || process.argv.includes('--full');
