import type { JsonObject } from '../../canonical/json.js';
import { totalInputTokens, type Usage } from '../../canonical/usage.js';
import { recordOf } from '../openai-chat/wire-values.js';

/**
 * Responses usage: `input_tokens` includes the cached ones (`input_tokens_details.cached_tokens`
 * is a subset), like Chat Completions' `prompt_tokens`; canonical `inputTokens` counts only
 * uncached input, so both cache figures are subtracted on the way in and added back on the way out.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function usageFromWire(wire: unknown): Usage {
  const usage = recordOf(wire);
  const inputTokens = count(usage.input_tokens);
  const details = recordOf(usage.input_tokens_details);
  const cacheReadTokens = count(details.cached_tokens);
  const cacheWriteTokens = count(details.cache_write_tokens);
  return {
    inputTokens: Math.max(0, inputTokens - cacheReadTokens - cacheWriteTokens),
    outputTokens: count(usage.output_tokens),
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: count(recordOf(usage.output_tokens_details).reasoning_tokens),
  };
}

export function usageToWire(usage: Usage): JsonObject {
  const inputTokens = totalInputTokens(usage);
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens, cache_write_tokens: usage.cacheWriteTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: inputTokens + usage.outputTokens,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
