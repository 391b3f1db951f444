const INITIAL_DELAY_MS = 250;
const MAX_DELAY_MS = 30_000;

/**
 * Full-jitter exponential backoff: a random delay in [0, min(max, initial·2^attempt)), so a fleet
 * of workers reconnecting after a server restart spreads out instead of arriving as one storm.
 */
export function nextReconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, INITIAL_DELAY_MS * 2 ** Math.min(attempt, 20));
  return Math.max(50, random() * ceiling);
}
