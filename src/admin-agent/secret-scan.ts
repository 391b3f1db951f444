import { findCredentials, HIGH_ENTROPY_TOKEN, type FoundCredential } from '../platform/redact-credentials.js';

/**
 * Finds secrets pasted into a conversation, so they can be kept out of the model's context and the
 * transcript. The rules are the platform's credential redaction (known key formats, labelled
 * values, long high-entropy tokens), located and named here for the notice to the person.
 */
export type FoundSecret = FoundCredential;

export function findSecrets(text: string): FoundSecret[] {
  return findCredentials(text);
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

/**
 * Whether any string anywhere in a tool call's arguments is a credential by its format or label.
 * Not by entropy alone: arguments are configuration, full of tool-definition hashes, ids and paths
 * through random-named directories, which look random and are not secrets.
 */
export function containsSecret(value: unknown): boolean {
  if (typeof value === 'string') return findSecrets(value).some((secret) => secret.kind !== HIGH_ENTROPY_TOKEN);
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsSecret);
  return false;
}
