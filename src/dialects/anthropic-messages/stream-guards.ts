import type { z } from 'zod';
import type {
  contentBlockDeltaSchema,
  contentBlockStartSchema,
  contentBlockStopSchema,
  inputJsonDeltaSchema,
  messageDeltaSchema,
  messageStartSchema,
  textDeltaSchema,
  textStartSchema,
} from './stream-schema.js';
import { isJsonObject } from '../../canonical/json.js';
import { isNullish, isNullishNumber, isNullishString, isSafeInteger } from './guard-values.js';
import type { WireUsage } from './usage.js';

/**
 * Hand-written checks that admit the ordinary Anthropic stream events without zod. zod's loose
 * objects copy every object and run a catch-all schema over each key they do not name, and an
 * event's `message` has a dozen: about 2.5 µs per event, a fifth of a translated request
 * (decision 56). Each check admits only values its schema in stream-schema.ts admits
 * (stream-guards.test.ts holds them to that over arbitrary values), so a value a check refuses
 * still goes through the schema, which accepts it or names exactly what is wrong with it.
 */

/** `z.number().int().nonnegative()`. */
const isBlockIndex = (value: unknown): value is number => isSafeInteger(value) && value >= 0;

export function isWireUsage(value: unknown): value is WireUsage {
  if (!isJsonObject(value)) return false;
  const details = value.output_tokens_details;
  return (
    isNullishNumber(value.input_tokens) &&
    isNullishNumber(value.output_tokens) &&
    isNullishNumber(value.cache_creation_input_tokens) &&
    isNullishNumber(value.cache_read_input_tokens) &&
    (isNullish(details) || (isJsonObject(details) && isNullishNumber(details.thinking_tokens)))
  );
}

const isNullishUsage = (value: unknown): boolean => isNullish(value) || isWireUsage(value);

export function isMessageStart(value: unknown): value is z.infer<typeof messageStartSchema> {
  if (!isJsonObject(value) || !isJsonObject(value.message)) return false;
  const { message } = value;
  return typeof message.id === 'string' && typeof message.model === 'string' && isNullishUsage(message.usage);
}

export function isContentBlockStart(value: unknown): value is z.infer<typeof contentBlockStartSchema> {
  return isJsonObject(value) && isBlockIndex(value.index) && isJsonObject(value.content_block) && typeof value.content_block.type === 'string';
}

export function isTextStart(value: unknown): value is z.infer<typeof textStartSchema> {
  return isJsonObject(value) && isNullishString(value.text);
}

export function isContentBlockDelta(value: unknown): value is z.infer<typeof contentBlockDeltaSchema> {
  return isJsonObject(value) && isBlockIndex(value.index) && isJsonObject(value.delta) && typeof value.delta.type === 'string';
}

export function isTextDelta(value: unknown): value is z.infer<typeof textDeltaSchema> {
  return isJsonObject(value) && typeof value.text === 'string';
}

export function isInputJsonDelta(value: unknown): value is z.infer<typeof inputJsonDeltaSchema> {
  return isJsonObject(value) && typeof value.partial_json === 'string';
}

export function isContentBlockStop(value: unknown): value is z.infer<typeof contentBlockStopSchema> {
  return isJsonObject(value) && isBlockIndex(value.index);
}

export function isMessageDelta(value: unknown): value is z.infer<typeof messageDeltaSchema> {
  if (!isJsonObject(value)) return false;
  const { delta } = value;
  const deltaOk = isNullish(delta) || (isJsonObject(delta) && isNullishString(delta.stop_reason) && isNullishString(delta.stop_sequence));
  return deltaOk && isNullishUsage(value.usage);
}
