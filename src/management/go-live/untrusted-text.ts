import { redactCredentials } from '../../platform/redact-credentials.js';

/** The most of an outside party's text a report carries. */
export const UNTRUSTED_TEXT_LIMIT = 300;

/**
 * Text that came from outside the platform (an upstream's error body, an MCP server's message),
 * made fit to carry as data: credentials redacted, control characters replaced, cut to
 * {@link UNTRUSTED_TEXT_LIMIT} characters. Undefined when nothing is left. It is still untrusted:
 * it goes in its own field, never into a sentence Auxot writes.
 */
export function untrustedExcerpt(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const cleaned = redactCredentials(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  if (cleaned === '') return undefined;
  // Cut by code point, so a surrogate pair is never split.
  const chars = Array.from(cleaned);
  return chars.length <= UNTRUSTED_TEXT_LIMIT ? cleaned : `${chars.slice(0, UNTRUSTED_TEXT_LIMIT - 1).join('')}…`;
}
