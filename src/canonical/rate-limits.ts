/**
 * Where a caller stands against its rate limits, in one shape for every dialect: each dialect's
 * surface writes it as its own headers (OpenAI's `x-ratelimit-*`, Anthropic's
 * `anthropic-ratelimit-*`).
 */
export interface RateLimitSnapshot {
  requests?: LimitState;
  tokens?: LimitState;
}

export interface LimitState {
  limit: number;
  remaining: number;
  /** Milliseconds until the limit is fully replenished. */
  resetMs: number;
}
