/**
 * The shared runtime state governance needs, behind small interfaces: an in-process
 * implementation serves one machine; a Redis one (for replicas) must pass the same contract suite
 * (`limits.contract.ts`). Every operation is atomic on its key: check-and-take never lets two
 * concurrent requests both take the last unit.
 */

export interface WindowVerdict {
  admitted: boolean;
  /** Units left in the window after this take (0 when refused). */
  remaining: number;
  /** Milliseconds until the window is fully replenished (every unit counted now has expired). */
  resetMs: number;
  /** When refused: milliseconds until this amount would fit; Infinity when it never can (larger than the limit). */
  retryAfterMs: number;
  /** Identifies the take, to settle its real amount later. */
  ticket: string;
}

/** Units (requests, tokens) counted over a rolling window: exact, not a bucket approximation. */
export interface RollingWindowStore {
  /** Takes `amount` from `key`'s window of `windowMs` when the total stays within `limit`. */
  take(key: string, amount: number, limit: number, windowMs: number, now: number): Promise<WindowVerdict>;
  /** Replaces a take's amount with the real one (tokens known once the answer is complete). */
  settle(key: string, ticket: string, amount: number, now: number): Promise<void>;
  /** What is left now, without taking anything. */
  peek(key: string, limit: number, windowMs: number, now: number): Promise<{ remaining: number; resetMs: number }>;
}

/** Requests in flight per key, under a cap. */
export interface ConcurrencyStore {
  /** A slot when fewer than `cap` are held; undefined otherwise. */
  acquire(key: string, cap: number): Promise<ConcurrencySlot | undefined>;
  held(key: string): Promise<number>;
}

export interface ConcurrencySlot {
  /** Idempotent. */
  release(): void;
}

/** Money spent per key and month. */
export interface SpendStore {
  spent(key: string, month: string): Promise<number>;
  /** Adds spend; returns the new total. */
  add(key: string, month: string, usd: number): Promise<number>;
}

export interface LimitStores {
  windows: RollingWindowStore;
  concurrency: ConcurrencyStore;
  spend: SpendStore;
}
