/** A slot on loan: hand it back with `release()` (idempotent, so every exit path may call it). */
export interface SlotLease<T> {
  readonly slot: T;
  release(): void;
}

interface Waiter<T> {
  grant(lease: SlotLease<T>): void;
}

/**
 * A fixed set of slots (llama.cpp context sequences) lent to one job at a time. Jobs beyond the
 * free slots wait in arrival order; a waiter whose signal aborts leaves the line without a slot.
 * The most recently returned slot is lent first: its KV cache most likely still holds the prefix
 * of the conversation's next turn, which llama.cpp then does not evaluate again.
 */
export class SlotPool<T> {
  private readonly free: T[];
  private readonly waiters: Waiter<T>[] = [];

  constructor(slots: readonly T[]) {
    this.free = [...slots];
  }

  get freeCount(): number {
    return this.free.length;
  }

  get waitingCount(): number {
    return this.waiters.length;
  }

  /** Resolves with a lease, or with `undefined` when `signal` aborts before a slot frees up. */
  acquire(signal: AbortSignal): Promise<SlotLease<T> | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const slot = this.free.pop();
    if (slot !== undefined) return Promise.resolve(this.lease(slot));
    return new Promise((resolve) => {
      const waiter: Waiter<T> = {
        grant: (lease) => {
          signal.removeEventListener('abort', onAbort);
          resolve(lease);
        },
      };
      const onAbort = (): void => {
        const position = this.waiters.indexOf(waiter);
        if (position >= 0) this.waiters.splice(position, 1);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private lease(slot: T): SlotLease<T> {
    let released = false;
    return {
      slot,
      release: () => {
        if (released) return;
        released = true;
        this.giveBack(slot);
      },
    };
  }

  private giveBack(slot: T): void {
    const next = this.waiters.shift();
    if (next === undefined) this.free.push(slot);
    else next.grant(this.lease(slot));
  }
}
