/**
 * A Jepsen-style history: every client operation is recorded as `invoke`, then exactly one of
 * `ok` (it happened), `fail` (it certainly did not) or `info` (unknown: a timeout or a broken
 * connection; checkers must accept either outcome).
 */
export type Outcome = 'ok' | 'fail' | 'info';

export interface Operation {
  index: number;
  /** The logical client (one customer) that ran it. */
  process: number;
  /** On a completion: the index of its `invoke` (a customer may have several operations open). */
  invocation?: number;
  type: 'invoke' | Outcome;
  f: string;
  value: Record<string, unknown>;
  /** Milliseconds since the history began. */
  time: number;
}

export interface Completed {
  process: number;
  f: string;
  outcome: Outcome;
  invokedAt: number;
  completedAt: number;
  value: Record<string, unknown>;
}

export class History {
  readonly operations: Operation[] = [];
  readonly #startedAt = Date.now();

  #append(process: number, type: Operation['type'], f: string, value: Record<string, unknown>): Operation {
    const operation: Operation = { index: this.operations.length, process, type, f, value, time: Date.now() - this.#startedAt };
    this.operations.push(operation);
    return operation;
  }

  /** Milliseconds since the history began, on the same clock as the operations' `time`. */
  now(): number {
    return Date.now() - this.#startedAt;
  }

  invoke(process: number, f: string, value: Record<string, unknown>): Operation {
    return this.#append(process, 'invoke', f, value);
  }

  complete(invocation: Operation, outcome: Outcome, value: Record<string, unknown> = {}): Operation {
    const completion = this.#append(invocation.process, outcome, invocation.f, { ...invocation.value, ...value });
    completion.invocation = invocation.index;
    return completion;
  }

  /** Each operation as one pair: what was asked and how it ended (`info` if it never ended). */
  completed(): Completed[] {
    const open = new Map<number, Operation>();
    const pairs: Completed[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'invoke') {
        open.set(operation.index, operation);
        continue;
      }
      const invocation = open.get(operation.invocation!);
      open.delete(operation.invocation!);
      pairs.push({ process: operation.process, f: operation.f, outcome: operation.type, invokedAt: invocation?.time ?? operation.time, completedAt: operation.time, value: operation.value });
    }
    for (const invocation of open.values()) pairs.push({ process: invocation.process, f: invocation.f, outcome: 'info', invokedAt: invocation.time, completedAt: invocation.time, value: invocation.value });
    return pairs;
  }
}
