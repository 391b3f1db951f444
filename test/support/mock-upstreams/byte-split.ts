import type { SplitMode } from './types.js';

/** Largest piece split 'random' writes: small enough to cut `data:` prefixes, JSON and UTF-8 sequences. */
const MAX_RANDOM_PIECE = 24;

/**
 * Cuts encoded events into the byte pieces that go to the socket one write each. Byte (not
 * character) offsets on purpose: a decoder must survive a UTF-8 sequence split across reads.
 */
export function splitForWrites(events: readonly string[], split: SplitMode = 'event', seed = 1): Buffer[] {
  if (split === 'event') return events.filter((event) => event !== '').map((event) => Buffer.from(event, 'utf8'));
  const bytes = Buffer.from(events.join(''), 'utf8');
  const nextSize = split === 'random' ? randomSizes(seed) : () => Math.max(1, Math.floor(split));
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = Math.min(bytes.length, start + nextSize());
    pieces.push(bytes.subarray(start, end));
    start = end;
  }
  return pieces;
}

function randomSizes(seed: number): () => number {
  const random = seededRandom(seed);
  return () => 1 + Math.floor(random() * MAX_RANDOM_PIECE);
}

/** mulberry32: a tiny deterministic PRNG, so a failing random split replays exactly from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
