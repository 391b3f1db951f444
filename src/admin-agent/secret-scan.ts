/**
 * Finds secrets pasted into a conversation, so they can be kept out of the model's context and the
 * transcript. Two nets: known key formats (precise, named), and long high-entropy tokens (catches
 * formats we do not know; ids and words are too regular to trip it).
 */

export interface FoundSecret {
  /** What it looks like (`an OpenAI API key`, `a high-entropy token`), for the notice to the person. */
  kind: string;
  start: number;
  end: number;
}

const KNOWN_FORMATS: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  { kind: 'an Anthropic API key', pattern: /sk-ant-[A-Za-z0-9_-]{16,}/g },
  { kind: 'an OpenAI API key', pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'an Auxot key', pattern: /\b(?:axk|axw)_[A-Za-z0-9_-]{16,}/g },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g },
  { kind: 'a bearer credential', pattern: /(?<=\b(?:bearer|token|api[_-]?key|password|secret)\s*[:=]?\s*)[^\s"',;]{12,}/gi },
];

/** Candidate tokens for the entropy net: long runs of key-ish characters. */
const TOKEN = /(?<![:/])[A-Za-z0-9+/=_.-]{24,}/g;
/** Bits per character above which a long mixed token is taken for a random secret. */
const ENTROPY_THRESHOLD = 3.6;

export function findSecrets(text: string): FoundSecret[] {
  const found: FoundSecret[] = [];
  for (const { kind, pattern } of KNOWN_FORMATS) {
    for (const match of text.matchAll(pattern)) found.push({ kind, start: match.index, end: match.index + match[0].length });
  }
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index;
    const end = start + match[0].length;
    if (found.some((secret) => secret.start < end && start < secret.end)) continue;
    if (looksRandom(match[0])) found.push({ kind: 'a high-entropy token', start, end });
  }
  return mergeOverlaps(found);
}

/** The text with every secret replaced by a marker naming its kind. */
export function redactSecrets(text: string, found: readonly FoundSecret[] = findSecrets(text)): string {
  let out = '';
  let at = 0;
  for (const secret of found) {
    out += `${text.slice(at, secret.start)}[removed: ${secret.kind}]`;
    at = secret.end;
  }
  return out + text.slice(at);
}

/** Whether any string anywhere in a JSON-like value looks like a secret. */
export function containsSecret(value: unknown): boolean {
  if (typeof value === 'string') return findSecrets(value).length > 0;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsSecret);
  return false;
}

function looksRandom(token: string): boolean {
  // Paths, URLs and dotted names are long but not secrets.
  // Names built of words and numbers (`claude-sonnet-4-5-20250929`, `Platform-Engineering`) are not secrets.
  if (token.split(/[._-]/).every((segment) => /^(?:[A-Z]?[a-z]*|[A-Z]+|[0-9]+)$/.test(segment))) return false;
  if (token.includes('/') && token.split('/').every((segment) => /^[a-z0-9._-]*$/.test(segment))) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((pattern) => pattern.test(token)).length;
  if (classes < 2) return false;
  return shannonEntropy(token) >= ENTROPY_THRESHOLD;
}

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function mergeOverlaps(found: FoundSecret[]): FoundSecret[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: FoundSecret[] = [];
  for (const secret of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && secret.start < last.end) last.end = Math.max(last.end, secret.end);
    else merged.push({ ...secret });
  }
  return merged;
}
