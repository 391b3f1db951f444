import { describe, expect, it } from 'vitest';
import { usageFromWire, usageToWire } from './usage.js';

describe('usageFromWire', () => {
  it('subtracts cache reads and writes from prompt_tokens', () => {
    expect(
      usageFromWire({
        prompt_tokens: 1000,
        completion_tokens: 50,
        total_tokens: 1050,
        prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 100, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 20 },
      }),
    ).toEqual({ inputTokens: 300, outputTokens: 50, cacheReadTokens: 600, cacheWriteTokens: 100, reasoningTokens: 20 });
  });

  it('never goes below zero and defaults missing details to zero', () => {
    expect(usageFromWire({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 20 } })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 20,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(usageFromWire({ prompt_tokens: 7, completion_tokens: 3, prompt_tokens_details: null })).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe('usageToWire', () => {
  it('adds the cache back into prompt_tokens and writes cache_write_tokens only when positive', () => {
    expect(usageToWire({ inputTokens: 300, outputTokens: 50, cacheReadTokens: 600, cacheWriteTokens: 100, reasoningTokens: 20 })).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 50,
      total_tokens: 1050,
      prompt_tokens_details: { cached_tokens: 600, audio_tokens: 0, cache_write_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 20, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    expect(usageToWire({ inputTokens: 5, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }).prompt_tokens_details).toEqual({
      cached_tokens: 0,
      audio_tokens: 0,
    });
  });
});
