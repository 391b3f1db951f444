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
  const write = (kind: 'requests' | 'tokens', state: LimitState | undefined): void => {
    if (state === undefined) return;
    if (dialect === 'anthropic-messages') {
      headers[`anthropic-ratelimit-${kind}-limit`] = String(state.limit);
      headers[`anthropic-ratelimit-${kind}-remaining`] = String(state.remaining);
      headers[`anthropic-ratelimit-${kind}-reset`] = new Date(nowMs + state.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    } else {
      headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
      headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
      headers[`x-ratelimit-reset-${kind}`] = goDuration(state.resetMs);
    }
  };
  write('requests', snapshot.requests);
  write('tokens', snapshot.tokens);
  return headers;
}

/** OpenAI writes durations the way Go prints them: `20ms`, `1.5s`, `6m0s`. */
export function goDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.ceil(milliseconds));
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Number(((ms % 60_000) / 1_000).toFixed(3));
  return `${minutes}m${seconds}s`;
}
