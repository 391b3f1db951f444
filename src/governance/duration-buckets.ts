/**
 * Request durations are counted in fixed buckets so that daily roll-ups can be summed in any
 * grouping and still give percentiles: p50 and p95 come out within one bucket's width, which is
 * at most 25 % of the value here (a log-like scale from 5 ms to 10 minutes).
 */
export const DURATION_BUCKETS_MS: readonly number[] = [
  5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 400, 500, 650, 800, 1_000, 1_250, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 6_500, 8_000, 10_000, 12_500,
  15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 90_000, 120_000, 180_000, 240_000, 300_000, 450_000, 600_000,
];

/** Bucket `i` counts durations in (bound[i-1], bound[i]]; the last bucket counts everything above. */
export function bucketOf(durationMs: number): number {
  let low = 0;
  let high = DURATION_BUCKETS_MS.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((DURATION_BUCKETS_MS[middle] as number) < durationMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function emptyBuckets(): number[] {
  return new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0);
}

export function addBuckets(into: number[], from: readonly number[]): void {
  for (let index = 0; index < into.length; index++) into[index] = (into[index] ?? 0) + (from[index] ?? 0);
}

/** The duration at quantile `q` (0–1), interpolated inside its bucket; undefined without samples. */
export function quantileOf(buckets: readonly number[], q: number): number | undefined {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : (DURATION_BUCKETS_MS[index - 1] as number);
      const upper = DURATION_BUCKETS_MS[index] ?? lower * 1.5;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return DURATION_BUCKETS_MS.at(-1);
}
