import { shannonEntropy } from '../platform/redact-credentials.js';

export const MIN_ADMIN_KEY_LENGTH = 32;
/** At least this many bits, estimated from length × per-character entropy. */
const MIN_ESTIMATED_BITS = 128;
const MIN_BITS_PER_CHARACTER = 3;

export const GENERATE_KEY_COMMAND = `node -e "console.log('axk_' + require('node:crypto').randomBytes(32).toString('base64url'))"`;

/**
 * Whether a key someone chose (AUXOT_ADMIN_KEY) is fit to be an owner key: long, and not a
 * repetition or a word. Keys Auxot generates carry 256 random bits; a chosen one must come close.
 */
export function isStrongSecret(secret: string): boolean {
  if (secret.length < MIN_ADMIN_KEY_LENGTH) return false;
  const bitsPerCharacter = shannonEntropy(secret);
  return bitsPerCharacter >= MIN_BITS_PER_CHARACTER && bitsPerCharacter * secret.length >= MIN_ESTIMATED_BITS;
}
