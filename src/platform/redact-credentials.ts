/**
 * Removes anything shaped like a credential from text that came from outside (upstream error
 * messages, worker reports) before it reaches callers, request records or logs. Real vendor
 * messages quote keys — OpenAI's 401 says "Incorrect API key provided: sk-proj-****abcd" — so the
 * text is kept and only the credential is replaced: "maximum context length is 8192 tokens" and
 * the name of an invalid parameter still reach the caller.
 */
export const REDACTED = '[redacted]';

/** Vendor key formats, recognized whole (including OpenAI's partly masked echoes), with what each is. */
const VENDOR_PATTERNS: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  // Anthropic (sk-ant-...) before OpenAI (sk-, sk-proj-, sk-svcacct-, masked with *), which also matches it.
  { kind: 'an Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_*.-]{6,}/g },
  { kind: 'an OpenAI API key', pattern: /\bsk-[A-Za-z0-9_*.-]{6,}/g },
  // Auxot's own caller and worker keys.
  { kind: 'an Auxot key', pattern: /\bax[kw]_[A-Za-z0-9_-]{6,}/g },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{20,}/g },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g },
  { kind: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'a Stripe key', pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}/g },
  { kind: 'a Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{20,}/g },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g },
];

/**
 * `Bearer <token>`, `Basic <token>` and `api_key=<value>`-style assignments keep their label: the
 * last group is the credential, what comes before it in the match is the label.
 */
const LABELLED_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=*-]{6,})/gi, `$1 ${REDACTED}`],
  [/\b((?:api[_-]?key|x-api-key|access[_-]?token|secret|password|passwd|token)["']?\s*[:=]\s*["']?)([^\s"',;}&]{4,})/gi, `$1${REDACTED}`],
];

/** Runs of token characters at least this long are judged by their entropy. */
const MIN_TOKEN_LENGTH = 24;
const TOKEN = /[A-Za-z0-9+/=_-]{24,}/g;
/** Public identifiers vendors and Auxot print in errors (tool call, message, request ids): useful, not secret. */
export const PUBLIC_ID = /^(?:toolu|srvtoolu|call|fc|msg|req|chatcmpl|resp|rs|run|file|batch|org|proj|user|asst|thread|job|wrk|wkey|prov|key|route)[_-]/;

export function redactCredentials(text: string): string {
  let result = text;
  for (const { pattern } of VENDOR_PATTERNS) result = result.replace(pattern, REDACTED);
  for (const [pattern, replacement] of LABELLED_PATTERNS) result = result.replace(pattern, replacement);
  return result.replace(TOKEN, (token) => (looksSecret(token) ? REDACTED : token));
}

/** The kind of a find made by entropy alone (no known format or label says it is a credential). */
export const HIGH_ENTROPY_TOKEN = 'a high-entropy token';

/** One credential found in a text: what it looks like, and where it is. */
export interface FoundCredential {
  kind: string;
  start: number;
  end: number;
}

/**
 * Where `redactCredentials` cuts, by the same rules, with what each credential is: for text that
 * must be kept out of somewhere whole (a secret pasted into the Admin Agent's conversation) and for
 * telling the person what was found. Overlapping finds are merged; the earliest rule names them.
 */
export function findCredentials(text: string): FoundCredential[] {
  const found: FoundCredential[] = [];
  for (const { kind, pattern } of VENDOR_PATTERNS) {
    for (const match of text.matchAll(pattern)) found.push({ kind, start: match.index, end: match.index + match[0].length });
  }
  for (const [pattern] of LABELLED_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length;
      found.push({ kind: 'a credential', start: end - (match.at(-1) ?? '').length, end });
    }
  }
  for (const match of text.matchAll(TOKEN)) {
    const end = match.index + match[0].length;
    const covered = found.some((credential) => credential.start < end && match.index < credential.end);
    if (!covered && looksSecret(match[0])) found.push({ kind: HIGH_ENTROPY_TOKEN, start: match.index, end });
  }
  // A stable sort keeps, for finds that start together, the earlier (more specific) rule first.
  const merged: FoundCredential[] = [];
  for (const credential of [...found].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last !== undefined && credential.start < last.end) last.end = Math.max(last.end, credential.end);
    else merged.push({ ...credential });
  }
  return merged;
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
  // A URL path (`8080/v1/chat/completions`) is lowercase words and numbers between slashes.
  if (token.includes('/') && token.split('/').every((segment) => /^[a-z0-9._-]*$/.test(segment))) return false;
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
