import type { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';

type Path = ReadonlyArray<PropertyKey>;

/** `['messages', 2, 'content']` → `messages[2].content`, the way OpenAI names `param`. */
export function formatParam(path: Path): string {
  let param = '';
  for (const key of path) {
    if (typeof key === 'number') param += `[${key}]`;
    else param += param === '' ? String(key) : `.${String(key)}`;
  }
  return param;
}

/** A 400 naming the field at fault, in the words a caller can act on. */
export function invalidRequest(path: Path, message: string): GatewayError {
  const param = formatParam(path);
  return new GatewayError('invalid_request', message, { param });
}

/** Turns the first zod issue into one clear error; callers fix one field at a time anyway. */
export function errorFromZod(error: z.ZodError, body: unknown): GatewayError {
  const first = error.issues[0];
  if (first === undefined) return new GatewayError('invalid_request', 'Invalid request body');
  const { issue, path } = deepestIssue(first, first.path);
  const param = formatParam(path);
  return new GatewayError('invalid_request', describeIssue(issue, param, valueAt(body, path)), { param });
}

/**
 * A union reports one failure per branch. The branch that got furthest into the value is the one
 * the caller meant (an array of parts with one bad part), so its issue names the real field.
 */
function deepestIssue(issue: z.core.$ZodIssue, path: Path): { issue: z.core.$ZodIssue; path: Path } {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const candidate = branch[0];
    if (candidate !== undefined && candidate.path.length > (best?.path.length ?? 0)) best = candidate;
  }
  if (best === undefined) return { issue, path };
  return deepestIssue(best, [...path, ...best.path]);
}

function describeIssue(issue: z.core.$ZodIssue, param: string, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined || value === null) return `Missing required parameter: '${param}'.`;
      return `Invalid type for '${param}': expected ${issue.expected === 'int' ? 'integer' : issue.expected}, got ${describeValue(value)}.`;
    case 'too_small':
      if (issue.origin === 'array' && issue.minimum === 1) return `'${param}' must not be empty.`;
      if (issue.origin === 'string' && issue.minimum === 1) return `'${param}' must not be an empty string.`;
      return `Invalid value for '${param}': ${lowerFirst(issue.message)}.`;
    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const options = issue.options.map((option) => `'${String(option)}'`).join(', ');
        return `Invalid value for '${param}': ${describeValue(value)} is not supported; expected one of ${options}.`;
      }
      return `Invalid value for '${param}': ${issue.message}.`;
    default:
      return `Invalid value for '${param}': ${lowerFirst(issue.message)}.`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  // What is left of parsed JSON: a number or a boolean.
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
