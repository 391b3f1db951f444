import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES = 9;
const POOL_BYTES = RANDOM_BYTES * 256;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** base64url's 64 characters in ASCII order, so that fixed-width numbers written in them sort as text. */
const SORTABLE_DIGITS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const TIME_DIGITS = 8;

let lastMs = -1;
let lastTime = '';

/**
 * Ids with a readable prefix (`req_…`, `prov_…`, `call_…`), URL-safe: 48 bits of the millisecond
 * they were made (8 characters that sort as text) and 72 random bits (12 characters). Ids made
 * later sort later, so the rows that take an id on every request (the request log's primary key)
 * are appended at the end of their index instead of at a random page: with random ids each
 * insert touched a page read back from the OS once the table outgrew SQLite's cache, which
 * doubled the cost of writing a request record. Randomness is drawn from the OS in batches,
 * since an id is minted on every request.
 */
export function newId(prefix: string, nowMs: number = Date.now()): string {
  if (offset >= POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.toString('base64url', offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  return prefix + timeDigits(nowMs) + random;
}

function timeDigits(nowMs: number): string {
  if (nowMs !== lastMs) {
    let value = Math.max(0, Math.floor(nowMs));
    let digits = '';
    for (let index = 0; index < TIME_DIGITS; index++) {
      digits = SORTABLE_DIGITS.charAt(value % 64) + digits;
      value = Math.floor(value / 64);
    }
    lastMs = nowMs;
    lastTime = digits;
  }
  return lastTime;
}
