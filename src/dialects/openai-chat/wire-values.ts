/**
 * Tolerant readers for upstream JSON that is not worth a schema per chunk: a stream decoder must
 * never throw on an odd field, and it runs once per token.
 */
export type WireRecord = Readonly<Record<string, unknown>>;

const EMPTY: WireRecord = Object.freeze({});

export function recordOf(value: unknown): WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as WireRecord) : EMPTY;
}

export function isRecord(value: unknown): value is WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string with at least one character, else undefined (upstreams pad chunks with `""` and `null`). */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
