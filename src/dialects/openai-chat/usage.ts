import { totalInputTokens, type Usage } from '../../canonical/usage.js';
import type { JsonObject } from '../../canonical/json.js';

/**
 * OpenAI's `prompt_tokens` includes cached tokens (`cached_tokens` is a subset), while canonical
 * `inputTokens` counts only uncached input, so the cache fields are subtracted on the way in and
 * added back on the way out. Getting this wrong double-counts cache hits in metering
 * (Arize-ai/openinference#1429, vllm-project/vllm#45083).
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function usageFromWire(wire: unknown): Usage {
  const usage = asRecord(wire);
  const promptDetails = asRecord(usage.prompt_tokens_details);
  const completionDetails = asRecord(usage.completion_tokens_details);
  const promptTokens = count(usage.prompt_tokens);
  const cacheReadTokens = count(promptDetails.cached_tokens);
  const cacheWriteTokens = count(promptDetails.cache_write_tokens);
  return {
    inputTokens: Math.max(0, promptTokens - cacheReadTokens - cacheWriteTokens),
    outputTokens: count(usage.completion_tokens),
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: count(completionDetails.reasoning_tokens),
  };
}

/** The full usage object the `openai` SDKs type, with `cache_write_tokens` only when there were any. */
export function usageToWire(usage: Usage): JsonObject {
  const promptTokens = totalInputTokens(usage);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cacheReadTokens,
      audio_tokens: 0,
      ...(usage.cacheWriteTokens > 0 ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
