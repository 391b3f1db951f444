import type { GatewayError } from '../canonical/gateway-error.js';
import type { Clock } from '../platform/clock.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an opened circuit stays open the first time; doubles on each re-open, up to maxCooldownMs. */
  cooldownMs: number;
  maxCooldownMs: number;
  /** Longest Retry-After honoured from an upstream 429/503 (Portkey caps its waits at 60 s too). */
  maxRetryAfterMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: CircuitBreakerOptions = {
  failureThreshold: 3,
  cooldownMs: 30_000,
  maxCooldownMs: 300_000,
  maxRetryAfterMs: 60_000,
};

type BreakerState =
  | { kind: 'closed'; failures: number; opens: number }
  | { kind: 'open'; until: number; opens: number }
  | { kind: 'half-open'; probing: boolean; opens: number };

export type BreakerVerdict = { allowed: true } | { allowed: false; reason: string; retryAfterMs: number };

/**
 * Passive health per provider. Closed → open after `failureThreshold` consecutive failures (or at
 * once on a 429/503 carrying Retry-After, for that long) → half-open after the cool-down, letting
 * exactly one probe through → closed on its success, open again (longer) on its failure.
 */
export class CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();

  constructor(
    private readonly clock: Clock,
    private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER_OPTIONS,
  ) {}

  /** Whether a call may go to this provider now. In half-open state the first caller becomes the probe. */
  admit(providerId: string): BreakerVerdict {
    const state = this.stateOf(providerId);
    switch (state.kind) {
      case 'closed':
        return { allowed: true };
      case 'open':
        return { allowed: false, reason: 'circuit open', retryAfterMs: Math.max(0, state.until - this.clock.now()) };
      case 'half-open':
        if (state.probing) return { allowed: false, reason: 'circuit half-open (probe in flight)', retryAfterMs: 1000 };
        this.states.set(providerId, { ...state, probing: true });
        return { allowed: true };
    }
  }

  /** Peeks without claiming the half-open probe. */
  wouldAdmit(providerId: string): boolean {
    const state = this.stateOf(providerId);
    return state.kind === 'closed' || (state.kind === 'half-open' && !state.probing);
  }

  recordSuccess(providerId: string): void {
    const state = this.states.get(providerId);
    if (state === undefined || (state.kind === 'closed' && state.failures === 0)) return;
    this.states.set(providerId, { kind: 'closed', failures: 0, opens: 0 });
  }

  /** Frees a claimed probe that never ran (no capacity after all), without judging the provider. */
  releaseProbe(providerId: string): void {
    const state = this.states.get(providerId);
    if (state?.kind === 'half-open') this.states.set(providerId, { ...state, probing: false });
  }

  recordFailure(providerId: string, error: GatewayError): void {
    const state = this.stateOf(providerId);
    const now = this.clock.now();
    const retryAfter = error.retryAfterMs;
    if ((error.code === 'rate_limited' || error.code === 'overloaded') && retryAfter !== undefined && retryAfter > 0) {
      const until = now + Math.min(retryAfter, this.options.maxRetryAfterMs);
      this.states.set(providerId, { kind: 'open', until, opens: state.opens });
      return;
    }
    if (state.kind === 'closed' && state.failures + 1 < this.options.failureThreshold) {
      this.states.set(providerId, { ...state, failures: state.failures + 1 });
      return;
    }
    const cooldown = Math.min(this.options.cooldownMs * 2 ** state.opens, this.options.maxCooldownMs);
    this.states.set(providerId, { kind: 'open', until: now + cooldown, opens: state.opens + 1 });
  }

  describe(providerId: string): string {
    return this.stateOf(providerId).kind;
  }

  private stateOf(providerId: string): BreakerState {
    const state = this.states.get(providerId) ?? { kind: 'closed', failures: 0, opens: 0 };
    if (state.kind === 'open' && state.until <= this.clock.now()) {
      const halfOpen: BreakerState = { kind: 'half-open', probing: false, opens: state.opens };
      this.states.set(providerId, halfOpen);
      return halfOpen;
    }
    return state;
  }
}
