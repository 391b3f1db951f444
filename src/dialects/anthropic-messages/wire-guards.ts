import type { z } from 'zod';
import { isJsonObject } from '../../canonical/json.js';
import { isFiniteNumber, isNonEmptyString, isNullish, isNullishString, isSafeInteger } from './guard-values.js';
import type { customToolSchema, messageSchema, requestSchema, textBlockSchema, toolResultBlockSchema, toolUseBlockSchema } from './wire-schema.js';

/**
 * Hand-written checks that admit the ordinary parts of a caller's Messages body without zod, for
 * the reason stream-guards.ts gives (decision 56): zod's loose objects copy the body and each
 * message and block, and a content block was read by two schemas. Each check admits only values
 * its schema in wire-schema.ts admits (wire-guards.test.ts holds them to that); anything else goes
 * through the schema, which accepts it or names the field at fault as before.
 */

/** `contentSchema`: a string, or an array of objects that each have a string `type`. */
function isContent(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (!Array.isArray(value)) return false;
  for (const block of value) if (!isJsonObject(block) || typeof block.type !== 'string') return false;
  return true;
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

export function isRequest(value: unknown): value is z.infer<typeof requestSchema> {
  if (!isJsonObject(value)) return false;
  const { metadata } = value;
  return (
    isNonEmptyString(value.model) &&
    isSafeInteger(value.max_tokens) &&
    value.max_tokens > 0 &&
    Array.isArray(value.messages) &&
    value.messages.length > 0 &&
    (isNullish(value.system) || isContent(value.system)) &&
    (isNullish(value.tools) || Array.isArray(value.tools)) &&
    (isNullish(value.stop_sequences) || isStringArray(value.stop_sequences)) &&
    (isNullish(value.temperature) || isFiniteNumber(value.temperature)) &&
    (isNullish(value.top_p) || isFiniteNumber(value.top_p)) &&
    (isNullish(value.top_k) || (isSafeInteger(value.top_k) && value.top_k >= 0)) &&
    (isNullish(metadata) || (isJsonObject(metadata) && isNullishString(metadata.user_id))) &&
    (isNullish(value.stream) || typeof value.stream === 'boolean')
  );
}

export function isMessage(value: unknown): value is z.infer<typeof messageSchema> {
  return isJsonObject(value) && (value.role === 'user' || value.role === 'assistant' || value.role === 'system') && isContent(value.content);
}

export function isTextBlock(value: unknown): value is z.infer<typeof textBlockSchema> {
  return isJsonObject(value) && value.type === 'text' && typeof value.text === 'string';
}

export function isToolUseBlock(value: unknown): value is z.infer<typeof toolUseBlockSchema> {
  return isJsonObject(value) && value.type === 'tool_use' && isNonEmptyString(value.id) && isNonEmptyString(value.name) && isJsonObject(value.input);
}

export function isToolResultBlock(value: unknown): value is z.infer<typeof toolResultBlockSchema> {
  return (
    isJsonObject(value) &&
    value.type === 'tool_result' &&
    isNonEmptyString(value.tool_use_id) &&
    (isNullish(value.content) || isContent(value.content)) &&
    (isNullish(value.is_error) || typeof value.is_error === 'boolean')
  );
}

export function isToolKind(value: unknown): value is { type?: string | null } {
  return isJsonObject(value) && isNullishString(value.type);
}

export function isCustomTool(value: unknown): value is z.infer<typeof customToolSchema> {
  return isJsonObject(value) && isNonEmptyString(value.name) && isNullishString(value.description) && isJsonObject(value.input_schema);
}
