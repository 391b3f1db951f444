import type { z } from 'zod';
import { isJsonObject } from '../../canonical/json.js';
import { isNullishString } from './guard-values.js';
import type { resultMessageSchema } from './result-schema.js';
import { isWireUsage } from './stream-guards.js';
import type { looseBlockSchema, redactedThinkingBlockSchema, thinkingBlockSchema } from './wire-schema.js';

/**
 * Hand-written checks that admit an ordinary non-streaming Messages answer without zod, as
 * stream-guards.ts does for stream events (decision 56): a translated call with a small budget
 * reads one such body per request (decision 64), and zod's loose objects copy it and run a
 * catch-all over each key they do not name. Each check admits only values its schema admits
 * (result-guards.test.ts holds them to that), so anything refused still meets the schema and its
 * exact message. Text and tool_use blocks use wire-guards.ts's checks of the same schemas.
 */

const isLooseBlock = (value: unknown): value is z.infer<typeof looseBlockSchema> => isJsonObject(value) && typeof value.type === 'string';

export function isResultMessage(value: unknown): value is z.infer<typeof resultMessageSchema> {
  return (
    isJsonObject(value) &&
    typeof value.id === 'string' &&
    typeof value.model === 'string' &&
    Array.isArray(value.content) &&
    value.content.every(isLooseBlock) &&
    isNullishString(value.stop_reason) &&
    isNullishString(value.stop_sequence) &&
    isWireUsage(value.usage)
  );
}

export function isThinkingBlock(value: unknown): value is z.infer<typeof thinkingBlockSchema> {
  return isJsonObject(value) && value.type === 'thinking' && typeof value.thinking === 'string' && isNullishString(value.signature);
}

export function isRedactedThinkingBlock(value: unknown): value is z.infer<typeof redactedThinkingBlockSchema> {
  return isJsonObject(value) && value.type === 'redacted_thinking' && typeof value.data === 'string';
}
