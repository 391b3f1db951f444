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

/** Why an upstream asked for a pause: the caller is told the same reason. */
export type PauseReason = 'rate_limited' | 'overloaded';

type BreakerState =
  | { kind: 'closed'; failures: number; opens: number }
  | { kind: 'open'; until: number; opens: number; pause?: PauseReason }
  | { kind: 'half-open'; probing: boolean; opens: number };

/**
 * What a breaker says of one provider now:
 * - `admits`: closed, or half-open with its probe free;
 * - `open`: failing (or its probe is out); skipped while another candidate can serve, tried anyway
 *   when none can (the earliest `until` first);
 * - `paused`: the upstream itself asked for a pause (Retry-After); callers are told so.
 */
export type BreakerStatus = { kind: 'admits' } | { kind: 'open'; until: number } | { kind: 'paused'; until: number; reason: PauseReason };

export type BreakerVerdict = { allowed: true } | { allowed: false; reason: string; retryAfterMs: number };

/** A circuit's state as operators see it (logs, metrics): `paused` is an open circuit the upstream asked for. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'paused';

export const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'paused'];

/** One transition of one provider's circuit; `untilMs` (epoch) is when an open or paused circuit lets a trial through. */
export interface CircuitChange {
  providerId: string;
  from: CircuitState;
  to: CircuitState;
  untilMs?: number;
  pause?: PauseReason;
  /** The failure that opened (or re-opened, or paused) the circuit. */
  cause?: GatewayError;
}

export type CircuitChangeListener = (change: CircuitChange) => void;

/**
 * Passive health per provider. Closed → open after `failureThreshold` consecutive failures (or at
 * once, as a pause, on a 429/503/529 carrying Retry-After) → half-open after the cool-down, letting
 * exactly one probe through → closed on its success, open again (longer) on its failure.
 *
 * Breakers only choose between candidates: the executor still sends a request to an open provider
 * when no other candidate can take it (Envoy's panic mode), so a breaker never makes a model
 * unavailable by itself.
 */
export class CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();
  private readonly listeners: CircuitChangeListener[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER_OPTIONS,
  ) {}

  status(providerId: string): BreakerStatus {
    const state = this.states.get(providerId);
    if (state === undefined) return ADMITS;
    const current = this.current(providerId, state);
    switch (current.kind) {
      case 'closed':
        return ADMITS;
      case 'half-open':
        return current.probing ? { kind: 'open', until: this.clock.now() } : ADMITS;
      case 'open':
        return current.pause === undefined ? { kind: 'open', until: current.until } : { kind: 'paused', until: current.until, reason: current.pause };
    }
  }

  /** Told of every state change (closed → open, open → half-open → closed, paused by the upstream). */
  onChange(listener: CircuitChangeListener): void {
    this.listeners.push(listener);
  }

  /** The provider's circuit as operators see it now. */
  state(providerId: string): CircuitState {
    return circuitStateOf(this.stateOf(providerId));
  }

  /** The breakers' clock, for callers that report how long a pause has left. */
  now(): number {
    return this.clock.now();
  }

  /** Whether a call may go to this provider now. In half-open state the first caller becomes the probe. */
  admit(providerId: string): BreakerVerdict {
    const state = this.states.get(providerId);
    if (state === undefined) return { allowed: true };
    const current = this.current(providerId, state);
    switch (current.kind) {
      case 'closed':
        return { allowed: true };
      case 'open':
        return { allowed: false, reason: 'circuit open', retryAfterMs: Math.max(0, current.until - this.clock.now()) };
      case 'half-open':
        if (current.probing) return { allowed: false, reason: 'circuit half-open (probe in flight)', retryAfterMs: 1000 };
        this.states.set(providerId, { ...current, probing: true });
        return { allowed: true };
    }
  }

  /** Peeks without claiming the half-open probe. */
  wouldAdmit(providerId: string): boolean {
    return this.status(providerId).kind === 'admits';
  }

  recordSuccess(providerId: string): void {
    const state = this.states.get(providerId);
    if (state === undefined || (state.kind === 'closed' && state.failures === 0)) return;
    this.states.delete(providerId);
    if (state.kind !== 'closed') this.announce(providerId, state, CLOSED);
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
      this.set(providerId, state, { kind: 'open', until, opens: state.opens, pause: error.code }, error);
      return;
    }
    if (state.kind === 'closed' && state.failures + 1 < this.options.failureThreshold) {
      this.states.set(providerId, { ...state, failures: state.failures + 1 });
      return;
    }
    const cooldown = Math.min(this.options.cooldownMs * 2 ** state.opens, this.options.maxCooldownMs);
    this.set(providerId, state, { kind: 'open', until: now + cooldown, opens: state.opens + 1 }, error);
  }

  describe(providerId: string): string {
    const status = this.status(providerId);
    switch (status.kind) {
      case 'admits':
        return this.stateOf(providerId).kind;
      case 'open':
        return 'open';
      case 'paused':
        return `paused by the upstream (${status.reason === 'rate_limited' ? 'rate limited' : 'overloaded'}) for ${Math.ceil((status.until - this.clock.now()) / 1000)} s`;
    }
  }

  private stateOf(providerId: string): BreakerState {
    const state = this.states.get(providerId);
    return state === undefined ? CLOSED : this.current(providerId, state);
  }

  /** An open circuit whose time is up turns half-open (noticed, and announced, when next looked at). */
  private current(providerId: string, state: BreakerState): BreakerState {
    if (state.kind === 'open' && state.until <= this.clock.now()) {
      const halfOpen: BreakerState = { kind: 'half-open', probing: false, opens: state.opens };
      this.set(providerId, state, halfOpen);
      return halfOpen;
    }
    return state;
  }

  private set(providerId: string, from: BreakerState, to: BreakerState, cause?: GatewayError): void {
    this.states.set(providerId, to);
    this.announce(providerId, from, to, cause);
  }

  private announce(providerId: string, from: BreakerState, to: BreakerState, cause?: GatewayError): void {
    const change: CircuitChange = { providerId, from: circuitStateOf(from), to: circuitStateOf(to) };
    // An open circuit failing again in panic mode only lengthens its cool-down: not a change.
    if (this.listeners.length === 0 || change.from === change.to) return;
    if (to.kind === 'open') {
      change.untilMs = to.until;
      if (to.pause !== undefined) change.pause = to.pause;
    }
    if (cause !== undefined) change.cause = cause;
    for (const listener of this.listeners) listener(change);
  }
}

function circuitStateOf(state: BreakerState): CircuitState {
  switch (state.kind) {
    case 'closed':
      return 'closed';
    case 'half-open':
      return 'half-open';
    case 'open':
      return state.pause === undefined ? 'open' : 'paused';
  }
}

const ADMITS: BreakerStatus = { kind: 'admits' };
const CLOSED: BreakerState = { kind: 'closed', failures: 0, opens: 0 };
