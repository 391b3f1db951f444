import type { DialectId } from '../canonical/chat-request.js';
import type { LimitState, RateLimitSnapshot } from '../canonical/rate-limits.js';

/**
 * Rate-limit headers in the caller's convention: OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`
 * (reset as a duration, `6m0s`) and Anthropic's `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`
 * (reset as an RFC 3339 time).
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 * @see https://docs.claude.com/en/api/rate-limits#response-headers
 */
export function rateLimitHeaders(dialect: DialectId, snapshot: RateLimitSnapshot | undefined, nowMs: number): Record<string, string> {
  const headers: Record<string, string> = {};
  if (snapshot === undefined) return headers;
  const anthropic = dialect === 'anthropic-messages';
  for (const kind of KINDS) {
    const state: LimitState | undefined = snapshot[kind];
    if (state === undefined) continue;
    const names = anthropic ? ANTHROPIC_NAMES[kind] : OPENAI_NAMES[kind];
    headers[names.limit] = String(state.limit);
    headers[names.remaining] = String(state.remaining);
    headers[names.reset] = anthropic ? new Date(nowMs + state.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z') : goDuration(state.resetMs);
  }
  return headers;
}

// Written out once: every governed answer carries six of them.
const KINDS = ['requests', 'tokens'] as const;
const ANTHROPIC_NAMES = {
  requests: { limit: 'anthropic-ratelimit-requests-limit', remaining: 'anthropic-ratelimit-requests-remaining', reset: 'anthropic-ratelimit-requests-reset' },
  tokens: { limit: 'anthropic-ratelimit-tokens-limit', remaining: 'anthropic-ratelimit-tokens-remaining', reset: 'anthropic-ratelimit-tokens-reset' },
};
const OPENAI_NAMES = {
  requests: { limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' },
  tokens: { limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' },
};

/** OpenAI writes durations the way Go prints them: `20ms`, `1.5s`, `6m0s`. */
export function goDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.ceil(milliseconds));
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Number(((ms % 60_000) / 1_000).toFixed(3));
  return `${minutes}m${seconds}s`;
}
