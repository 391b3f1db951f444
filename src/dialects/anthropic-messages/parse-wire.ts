import type { z } from 'zod';
import { GatewayError, type GatewayErrorCode } from '../../canonical/gateway-error.js';

export type WirePath = ReadonlyArray<string | number>;

/** `messages.2.content.0.tool_use_id`: the dotted form Anthropic itself uses in its 400 messages. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

/**
 * Validates one value at `path` of a caller's body. The first issue becomes an `invalid_request`
 * GatewayError whose message and `param` name the exact field at fault.
 */
export function parseWire<T>(schema: z.ZodType<T>, value: unknown, path: WirePath): T {
  return parseOrThrow(schema, value, path, 'invalid_request', 'Invalid request');
}

/**
 * `parseWire` with a fast path: `admits` is a hand-written check that admits only values the
 * schema admits (held to it by a property test), so an admitted value is returned as it is and
 * anything else still meets the schema and its exact message (wire-guards.ts says why).
 */
export function checkWire<T>(admits: (value: unknown) => value is T, schema: z.ZodType<T>, value: unknown, path: WirePath): T {
  return admits(value) ? value : parseWire(schema, value, path);
}

/**
 * The same for what an upstream sent: a malformed answer is the upstream's fault (`upstream_error`).
 * `path` names the piece, e.g. `['content_block_delta', 'delta']`.
 */
export function parseUpstream<T>(schema: z.ZodType<T>, value: unknown, path: WirePath, subject: 'event' | 'response' = 'event'): T {
  return parseOrThrow(schema, value, path, 'upstream_error', `Malformed ${subject} from upstream`);
}

/**
 * `parseUpstream` with a fast path: `admits` is a hand-written check that admits only values the
 * schema admits (held to it by a property test), so an admitted value is returned as it is and
 * anything else still meets the schema and its exact message (stream-guards.ts says why).
 */
export function checkUpstream<T>(
  admits: (value: unknown) => value is T,
  schema: z.ZodType<T>,
  value: unknown,
  path: WirePath,
  subject: 'event' | 'response' = 'event',
): T {
  return admits(value) ? value : parseUpstream(schema, value, path, subject);
}

/** Throws an `invalid_request` error about one field. */
export function rejectField(path: WirePath, problem: string): never {
  const param = formatPath(path);
  throw new GatewayError('invalid_request', `Invalid request: ${param} ${problem}`, { param });
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, path: WirePath, code: GatewayErrorCode, prefix: string): T {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const fullPath = [...path, ...(issue?.path ?? [])];
  const param = fullPath.length === 0 ? undefined : formatPath(fullPath);
  const problem = issue === undefined ? 'is invalid' : describeIssue(issue);
  const message = param === undefined ? `${prefix}: ${problem}` : `${prefix}: ${param} ${problem}`;
  throw new GatewayError(code, message, code === 'invalid_request' && param !== undefined ? { param } : {});
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Explicit null means absent (Claude Code sends `temperature: null`), so it reads as missing too.
  const missing = issue.input === undefined || issue.input === null;
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'is required' : `must be ${withArticle(issue.expected)}`;
    case 'custom':
      return missing ? 'is required' : issue.message;
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive === true ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'invalid_value':
      return `must be one of ${listValues(issue.values)}`;
    case 'invalid_union':
      if (missing) return 'is required';
      return 'options' in issue && issue.options !== undefined ? `must be one of ${listValues(issue.options)}` : issue.message;
    default:
      return issue.message;
  }
}

function listValues(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function withArticle(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
