/** A series not reported for this long (its instance is gone) is forgotten. */
const FORGET_AFTER_MS = 5 * 60_000;

/**
 * Increases of cumulative counters between two samples. Keys name one series of one instance, so
 * instances come and go without disturbing each other:
 * - a key seen for the first time counts from zero (a new instance, or a label set's first event);
 * - a value lower than before means the instance restarted: all of it is new;
 * - a key missing from one sample (an instance that did not answer in time) keeps its last value,
 *   so it does not count its whole history again when it answers the next time.
 */
export class CounterDeltas {
  readonly #last = new Map<string, { value: number; seenAt: number }>();

  next(sample: Map<string, number>, now = Date.now()): Map<string, number> {
    const deltas = new Map<string, number>();
    for (const [key, value] of sample) {
      const previous = this.#last.get(key)?.value ?? 0;
      const delta = value >= previous ? value - previous : value;
      if (delta > 0) deltas.set(key, delta);
      this.#last.set(key, { value, seenAt: now });
    }
    for (const [key, { seenAt }] of this.#last) if (now - seenAt > FORGET_AFTER_MS) this.#last.delete(key);
    return deltas;
  }
}
