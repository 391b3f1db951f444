import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
const POOL_BYTES = ID_BYTES * 256;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * Random ids with a readable prefix (`req_…`, `prov_…`, `call_…`): 96 bits, URL-safe. Randomness
 * is drawn from the OS in batches, since an id is minted on every request.
 */
export function newId(prefix: string): string {
  if (offset >= POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return prefix + id;
}
