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
import type { WireUsage } from './usage.js';

/**
 * Hand-written checks that admit the ordinary Anthropic stream events without zod. zod's loose
 * objects copy every object and run a catch-all schema over each key they do not name, and an
 * event's `message` has a dozen: about 2.5 µs per event, a fifth of a translated request
 * (decision 56). Each check admits only values its schema in stream-schema.ts admits
 * (stream-guards.test.ts holds them to that over arbitrary values), so a value a check refuses
 * still goes through the schema, which accepts it or names exactly what is wrong with it.
 */
type WireObject = Record<string, unknown>;

const isObject = (value: unknown): value is WireObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNullishString = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';
const isNullishNumber = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
/** `z.number().int().nonnegative()`: zod's `int` is a safe integer. */
const isBlockIndex = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export function isWireUsage(value: unknown): value is WireUsage {
  if (!isObject(value)) return false;
  const details = value.output_tokens_details;
  return (
    isNullishNumber(value.input_tokens) &&
    isNullishNumber(value.output_tokens) &&
    isNullishNumber(value.cache_creation_input_tokens) &&
    isNullishNumber(value.cache_read_input_tokens) &&
    (details === undefined || details === null || (isObject(details) && isNullishNumber(details.thinking_tokens)))
  );
}

const isNullishUsage = (value: unknown): boolean => value === undefined || value === null || isWireUsage(value);

export function isMessageStart(value: unknown): value is z.infer<typeof messageStartSchema> {
  if (!isObject(value) || !isObject(value.message)) return false;
  const { message } = value;
  return typeof message.id === 'string' && typeof message.model === 'string' && isNullishUsage(message.usage);
}

export function isContentBlockStart(value: unknown): value is z.infer<typeof contentBlockStartSchema> {
  return isObject(value) && isBlockIndex(value.index) && isObject(value.content_block) && typeof value.content_block.type === 'string';
}

export function isTextStart(value: unknown): value is z.infer<typeof textStartSchema> {
  return isObject(value) && isNullishString(value.text);
}

export function isContentBlockDelta(value: unknown): value is z.infer<typeof contentBlockDeltaSchema> {
  return isObject(value) && isBlockIndex(value.index) && isObject(value.delta) && typeof value.delta.type === 'string';
}

export function isTextDelta(value: unknown): value is z.infer<typeof textDeltaSchema> {
  return isObject(value) && typeof value.text === 'string';
}

export function isInputJsonDelta(value: unknown): value is z.infer<typeof inputJsonDeltaSchema> {
  return isObject(value) && typeof value.partial_json === 'string';
}

export function isContentBlockStop(value: unknown): value is z.infer<typeof contentBlockStopSchema> {
  return isObject(value) && isBlockIndex(value.index);
}

export function isMessageDelta(value: unknown): value is z.infer<typeof messageDeltaSchema> {
  if (!isObject(value)) return false;
  const { delta } = value;
  const deltaOk = delta === undefined || delta === null || (isObject(delta) && isNullishString(delta.stop_reason) && isNullishString(delta.stop_sequence));
  return deltaOk && isNullishUsage(value.usage);
}
