/** Time as the program sees it; tests pass their own. */
export interface Clock {
  /** Wall-clock epoch milliseconds (records, expiry). */
  now(): number;
  /** Monotonic milliseconds (durations). */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
