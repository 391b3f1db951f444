import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { startMockUpstream, type MockUpstream } from '../../test/support/mock-upstreams/index.js';
import { GatewayError } from '../canonical/gateway-error.js';
import { createOpenAiChatDialect } from '../dialects/openai-chat/index.js';
import { HopMarker } from '../platform/hop-marker.js';
import { newId } from '../platform/ids.js';
import type { Clock } from '../platform/clock.js';
import { DEFAULT_ANSWER_LIMITS } from '../providers/answer-limits.js';
import { HttpProvider } from '../providers/http/http-provider.js';
import type { RoutingDecisionEntry } from '../store/records.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { DEFAULT_QUEUE_OPTIONS, DispatchQueue } from './dispatch-queue.js';
import { executeWithFallback, type ExecutionContext } from './execute-with-fallback.js';
import type { RoutePlan } from './route-plan.js';

/**
 * The executor and its breakers over real HTTP providers and local upstreams; only the clock is
 * scripted, so cool-downs and pauses can pass without waiting for them.
 */
const failure = new GatewayError('upstream_error', 'boom');

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return { now: () => now, monotonic: () => now, advance: (ms) => (now += ms) };
}

describe('executeWithFallback with open circuits and paused upstreams', () => {
  const dialect = createOpenAiChatDialect({ nowSeconds: () => 1, newId });
  const dispatcher = new Agent();
  let upstreams: MockUpstream[];
  let clock: ReturnType<typeof manualClock>;
  let breakers: CircuitBreakers;
  let queue: DispatchQueue;

  beforeAll(async () => {
    upstreams = await Promise.all([startMockUpstream({ dialect: 'openai' }), startMockUpstream({ dialect: 'openai' })]);
  });
  afterAll(async () => {
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    await dispatcher.close();
  });
  beforeEach(() => {
    clock = manualClock();
    breakers = new CircuitBreakers(clock, { failureThreshold: 1, cooldownMs: 10_000, maxCooldownMs: 60_000, maxRetryAfterMs: 60_000 });
    queue = new DispatchQueue(DEFAULT_QUEUE_OPTIONS);
  });

  function provider(name: string, upstream: MockUpstream): HttpProvider {
    return new HttpProvider(
      { id: `prov_${name}`, name, kind: 'openai-compatible', tier: 'cloud', baseUrl: upstream.baseUrl, apiKey: undefined, models: ['m'], settings: {} },
      { dialects: new Map([[dialect.id, dialect]]), dispatcher, clock, capacitySignal: queue, limits: DEFAULT_ANSWER_LIMITS, hop: new HopMarker('test-deployment') },
    );
  }

  function context(): ExecutionContext & { decision: RoutingDecisionEntry[] } {
    const request = dialect.decodeRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    request.source.raw = Buffer.from(JSON.stringify(request.source.body));
    return { request, requestId: newId('req_'), serviceClass: 'interactive', signal: new AbortController().signal, decision: [], queueMs: 0 };
  }

  async function run(plan: RoutePlan): Promise<{ provider: string; decision: RoutingDecisionEntry[] }> {
    const execution = context();
    const attempt = await executeWithFallback(plan, execution, { breakers, queue, clock });
    if (attempt.response.type === 'stream') attempt.response.cancel();
    return { provider: attempt.candidate.provider.name, decision: execution.decision };
  }

  it('with every circuit open, tries the one whose cool-down ends first, and its success closes it', async () => {
    const [first, second] = [provider('a', upstreams[0] as MockUpstream), provider('b', upstreams[1] as MockUpstream)];
    breakers.recordFailure(second.id, failure);
    clock.advance(5_000);
    breakers.recordFailure(first.id, failure);
    // Both open; b's cool-down ends 5 s before a's.
    const plan: RoutePlan = { route: 'r', alias: false, candidates: [{ provider: first, model: 'm' }, { provider: second, model: 'm' }] };
    const served = await run(plan);
    expect(served.provider).toBe('b');
    expect(served.decision[1]).toMatchObject({ outcome: 'used', reason: expect.stringMatching(/circuit open; tried anyway/) });
    expect(breakers.status(second.id)).toEqual({ kind: 'admits' });
    expect(breakers.status(first.id).kind).toBe('open');
  });

  it('refuses with the upstream\'s reason while its pause lasts, then calls it again once the pause is over', async () => {
    const only = provider('a', upstreams[0] as MockUpstream);
    const calls = (upstreams[0] as MockUpstream).requests.length;
    const plan: RoutePlan = { route: 'r', alias: false, candidates: [{ provider: only, model: 'm' }] };
    (upstreams[0] as MockUpstream).enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    await expect(run(plan)).rejects.toMatchObject({ code: 'rate_limited', upstreamStatus: 429 });
    clock.advance(2_500);
    await expect(run(plan)).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 4_500, message: expect.stringMatching(/retry in 5 s/) });
    expect((upstreams[0] as MockUpstream).requests.length).toBe(calls + 1);
    clock.advance(4_500);
    expect((await run(plan)).provider).toBe('a');
    expect((upstreams[0] as MockUpstream).requests.length).toBe(calls + 2);
  });

  it('prefers a healthy candidate over an open one, and an open one over a paused one', async () => {
    const [paused, open, healthy] = [provider('p', upstreams[0] as MockUpstream), provider('o', upstreams[1] as MockUpstream), provider('h', upstreams[1] as MockUpstream)];
    breakers.recordFailure(paused.id, new GatewayError('rate_limited', 'slow down', { retryAfterMs: 30_000 }));
    breakers.recordFailure(open.id, failure);
    const withHealthy: RoutePlan = { route: 'r', alias: false, candidates: [{ provider: paused, model: 'm' }, { provider: open, model: 'm' }, { provider: healthy, model: 'm' }] };
    const first = await run(withHealthy);
    expect(first.provider).toBe('h');
    expect(first.decision.map((entry) => entry.reason)).toEqual([expect.stringMatching(/paused by the upstream \(rate limited\)/), 'circuit open', undefined]);
    const withoutHealthy: RoutePlan = { route: 'r', alias: false, candidates: [{ provider: paused, model: 'm' }, { provider: open, model: 'm' }] };
    expect((await run(withoutHealthy)).provider).toBe('o');
  });
});
