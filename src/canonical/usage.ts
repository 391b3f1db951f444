/**
 * Token usage in one shape for every dialect.
 *
 * `inputTokens` counts only uncached input (Anthropic's meaning). The OpenAI dialect adds the
 * cache fields back when it writes `prompt_tokens`, because there `cached_tokens` is a subset.
 * @see https://docs.claude.com/en/api/messages (usage)
 * @see https://platform.openai.com/docs/api-reference/chat/object (usage)
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Reasoning tokens, already included in `outputTokens`. */
  reasoningTokens: number;
}

export const emptyUsage: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

/** Later reports overwrite earlier ones field by field: both APIs send cumulative totals. */
export function mergeUsage(current: Usage, update: Partial<Usage>): Usage {
  return {
    inputTokens: update.inputTokens ?? current.inputTokens,
    outputTokens: update.outputTokens ?? current.outputTokens,
    cacheReadTokens: update.cacheReadTokens ?? current.cacheReadTokens,
    cacheWriteTokens: update.cacheWriteTokens ?? current.cacheWriteTokens,
    reasoningTokens: update.reasoningTokens ?? current.reasoningTokens,
  };
}

/** All input tokens the model saw, cached or not. */
/** Two answers' usage together (an agent run's model calls, summed). */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}

export function totalInputTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}
