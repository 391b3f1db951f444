/**
 * Removes anything shaped like a credential from text that came from outside (upstream error
 * messages, worker reports) before it reaches callers, request records or logs. Real vendor
 * messages quote keys — OpenAI's 401 says "Incorrect API key provided: sk-proj-****abcd" — so the
 * text is kept and only the credential is replaced: "maximum context length is 8192 tokens" and
 * the name of an invalid parameter still reach the caller.
 */
export const REDACTED = '[redacted]';

/** Vendor key formats, recognized whole (including OpenAI's partly masked echoes). */
const VENDOR_PATTERNS: readonly RegExp[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, masked with *) and Anthropic (sk-ant-...).
  /\bsk-[A-Za-z0-9_*.-]{6,}/g,
  // Auxot's own caller and worker keys.
  /\bax[kw]_[A-Za-z0-9_-]{6,}/g,
  // Google API keys, AWS access key ids, GitHub tokens, Slack tokens, Stripe-style keys, Hugging Face.
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}/g,
  /\bhf_[A-Za-z0-9]{20,}/g,
  // JSON Web Tokens.
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** `Bearer <token>`, `Basic <token>` and `api_key=<value>`-style assignments keep their label. */
const LABELLED_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=*-]{6,}/gi, `$1 ${REDACTED}`],
  [/\b((?:api[_-]?key|x-api-key|access[_-]?token|secret|password|passwd|token)["']?\s*[:=]\s*["']?)[^\s"',;}&]{4,}/gi, `$1${REDACTED}`],
];

/** Runs of token characters at least this long are judged by their entropy. */
const MIN_TOKEN_LENGTH = 24;
const TOKEN = /[A-Za-z0-9+/=_-]{24,}/g;
/** Public identifiers vendors and Auxot print in errors (tool call, message, request ids): useful, not secret. */
const PUBLIC_ID = /^(?:toolu|srvtoolu|call|fc|msg|req|chatcmpl|resp|rs|run|file|batch|org|proj|user|asst|thread|job|wrk|wkey|prov|key|route)[_-]/;

export function redactCredentials(text: string): string {
  let result = text;
  for (const pattern of VENDOR_PATTERNS) result = result.replace(pattern, REDACTED);
  for (const [pattern, replacement] of LABELLED_PATTERNS) result = result.replace(pattern, replacement);
  return result.replace(TOKEN, (token) => (looksSecret(token) ? REDACTED : token));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f-]+$/i;
/** A piece of a name: a word, a number, or a short version tag (`4o`, `v2`, `20250929`). */
const NAME_PIECE = /^(?:[a-z]+|[0-9]+|[a-z]*[0-9]+[a-z]*)$/;

/**
 * A long token with high per-character entropy is treated as a secret; words, model names
 * (`claude-sonnet-4-5-20250929`) and dash-separated identifiers are not. Hex can carry at most 4
 * bits a character, so it is judged against a lower bar than base64.
 */
function looksSecret(token: string): boolean {
  if (token.length < MIN_TOKEN_LENGTH || PUBLIC_ID.test(token)) return false;
  if (UUID.test(token)) return true;
  const pieces = token.split(/[-_]/);
  if (pieces.length > 2 && pieces.every((piece) => piece.length <= 10 && NAME_PIECE.test(piece))) return false;
  const entropy = shannonEntropy(token);
  if (HEX.test(token)) return /[0-9]/.test(token) && /[a-f]/i.test(token) && entropy >= 3.0;
  if (/[0-9]/.test(token) && /[A-Za-z]/.test(token)) return entropy >= 3.5;
  // Base64 of random bytes can hold no digit at all (about 1 in 8 for 24 bytes); mixed case is then
  // the sign. A long CamelCase identifier may be redacted too: a lost word costs less than a leaked key.
  if (/[a-z]/.test(token) && /[A-Z]/.test(token)) return entropy >= 3.5;
  // Letters only: random text reaches ~4.7 bits a character, camel-case names stay near 4.
  return token.length >= 32 && entropy >= 4.3;
}

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
