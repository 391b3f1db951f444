import { describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Clock } from '../platform/clock.js';
import { CircuitBreakers } from './circuit-breaker.js';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return { now: () => now, monotonic: () => now, advance: (ms) => (now += ms) };
}

const options = { failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 5000, maxRetryAfterMs: 60_000 };
const failure = new GatewayError('upstream_error', 'boom');

describe('CircuitBreakers', () => {
  it('opens after consecutive failures, half-opens after the cool-down with one probe, and closes on success', () => {
    const clock = manualClock();
    const breakers = new CircuitBreakers(clock, options);
    breakers.recordFailure('p', failure);
    breakers.recordFailure('p', failure);
    expect(breakers.admit('p').allowed).toBe(true);
    breakers.recordFailure('p', failure);
    const open = breakers.admit('p');
    expect(open).toEqual({ allowed: false, reason: 'circuit open', retryAfterMs: 1000 });

    clock.advance(1000);
    expect(breakers.describe('p')).toBe('half-open');
    expect(breakers.admit('p').allowed).toBe(true);
    expect(breakers.admit('p').allowed).toBe(false);
    breakers.recordSuccess('p');
    expect(breakers.describe('p')).toBe('closed');
    expect(breakers.admit('p').allowed).toBe(true);
  });

  it('doubles the cool-down when the probe fails, up to the cap', () => {
    const clock = manualClock();
    const breakers = new CircuitBreakers(clock, options);
    for (let index = 0; index < 3; index++) breakers.recordFailure('p', failure);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const verdict = breakers.admit('p');
      waits.push(verdict.allowed ? 0 : verdict.retryAfterMs);
      clock.advance(waits.at(-1) ?? 0);
      expect(breakers.admit('p').allowed).toBe(true);
      breakers.recordFailure('p', failure);
    }
    expect(waits).toEqual([1000, 2000, 4000, 5000]);
  });

  it('honours Retry-After from a 429 at once, capped', () => {
    const clock = manualClock();
    const breakers = new CircuitBreakers(clock, options);
    breakers.recordFailure('p', new GatewayError('rate_limited', 'slow down', { retryAfterMs: 20_000 }));
    expect(breakers.admit('p')).toMatchObject({ allowed: false, retryAfterMs: 20_000 });
    breakers.recordFailure('q', new GatewayError('rate_limited', 'slow down', { retryAfterMs: 10 * 60_000 }));
    expect(breakers.admit('q')).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    expect(breakers.admit('other').allowed).toBe(true);
  });

  it('frees an unused probe without judging the provider', () => {
    const clock = manualClock();
    const breakers = new CircuitBreakers(clock, options);
    for (let index = 0; index < 3; index++) breakers.recordFailure('p', failure);
    clock.advance(1000);
    expect(breakers.admit('p').allowed).toBe(true);
    expect(breakers.wouldAdmit('p')).toBe(false);
    breakers.releaseProbe('p');
    expect(breakers.wouldAdmit('p')).toBe(true);
  });
});

describe('CircuitBreakers change listener', () => {
  it('announces closed → open → half-open → closed, a failed probe, and a pause by the upstream, once each', () => {
    const clock = manualClock();
    const breakers = new CircuitBreakers(clock, options);
    const changes: Array<{ providerId: string; from: string; to: string; untilMs?: number; pause?: string }> = [];
    breakers.onChange(({ providerId, from, to, untilMs, pause }) => changes.push({ providerId, from, to, ...(untilMs === undefined ? {} : { untilMs }), ...(pause === undefined ? {} : { pause }) }));
    const opened = clock.now();
    for (let index = 0; index < 3; index++) breakers.recordFailure('p', failure);
    // Failing again while open (panic mode) lengthens the cool-down but changes nothing.
    breakers.recordFailure('p', failure);
    expect(breakers.state('p')).toBe('open');
    clock.advance(60_000);
    expect(breakers.state('p')).toBe('half-open');
    expect(breakers.admit('p').allowed).toBe(true);
    breakers.recordFailure('p', failure);
    clock.advance(60_000);
    breakers.admit('p');
    breakers.recordSuccess('p');
    breakers.recordSuccess('p');
    breakers.recordFailure('q', new GatewayError('rate_limited', 'slow down', { retryAfterMs: 7_000 }));
    expect(breakers.state('q')).toBe('paused');
    expect(changes).toEqual([
      { providerId: 'p', from: 'closed', to: 'open', untilMs: opened + 1000 },
      { providerId: 'p', from: 'open', to: 'half-open' },
      { providerId: 'p', from: 'half-open', to: 'open', untilMs: opened + 60_000 + 4000 },
      { providerId: 'p', from: 'open', to: 'half-open' },
      { providerId: 'p', from: 'half-open', to: 'closed' },
      { providerId: 'q', from: 'closed', to: 'paused', untilMs: opened + 120_000 + 7000, pause: 'rate_limited' },
    ]);
  });
});
