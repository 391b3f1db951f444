import { z } from 'zod';
import type { JsonObject } from '../../canonical/json.js';
import type { Usage } from '../../canonical/usage.js';

/**
 * Anthropic usage. `input_tokens` excludes both cache fields, which is also the canonical meaning,
 * so the numbers map one to one. Any field may be absent or null (message_delta omits what did not
 * change), and thinking tokens arrive in `output_tokens_details` (SDK 1.x), already inside
 * `output_tokens`.
 * @see https://docs.claude.com/en/api/messages (usage)
 */
export const wireUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
});
export type WireUsage = z.infer<typeof wireUsageSchema>;

/** The fields the upstream reported, and only those, so later reports overwrite earlier ones correctly. */
export function usageFromWire(usage: WireUsage): Partial<Usage> {
  const update: Partial<Usage> = {};
  if (usage.input_tokens != null) update.inputTokens = usage.input_tokens;
  if (usage.output_tokens != null) update.outputTokens = usage.output_tokens;
  if (usage.cache_read_input_tokens != null) update.cacheReadTokens = usage.cache_read_input_tokens;
  if (usage.cache_creation_input_tokens != null) update.cacheWriteTokens = usage.cache_creation_input_tokens;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (thinking != null) update.reasoningTokens = thinking;
  return update;
}

/**
 * `message_start` carries a placeholder `output_tokens` (usually 1) that message_delta replaces:
 * only the input side is meaningful there.
 */
export function inputUsageFromWire(usage: WireUsage): Partial<Usage> {
  return usageFromWire({
    input_tokens: usage.input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
  });
}

export function usageToWire(usage: Usage): JsonObject {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
    ...(usage.reasoningTokens > 0 ? { output_tokens_details: { thinking_tokens: usage.reasoningTokens } } : {}),
  };
}
