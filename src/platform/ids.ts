import { randomBytes } from 'node:crypto';

/** Random ids with a readable prefix (`req_…`, `prov_…`, `call_…`): 96 bits, URL-safe. */
export function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('base64url');
}
