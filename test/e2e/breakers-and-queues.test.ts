import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ask } from './helpers/cascade-calls.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';

/**
 * Breakers choose between candidates; they never make a model unavailable while a candidate
 * exists. Only an upstream's own request for a pause (Retry-After) is passed on to callers.
 */
describe('circuit breakers never turn upstream trouble into an outage', () => {
  let upstream: MockUpstream;
  let server: TestServer;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeEach(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'only', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['only-model'] });
    openai = openAiClient(server);
    anthropic = anthropicClient(server);
  });
  const teardown = async (): Promise<void> => {
    await server.close();
    await upstream.close();
  };

  it('keeps trying the only candidate after its circuit opened, relays its real answers, and closes on success', async () => {
    try {
      upstream.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
      for (let attempt = 0; attempt < 4; attempt++) expect((await ask(server, 'only-model', `fail ${attempt}`)).status).toBe(502);
      // The circuit opened after three; the fourth still reached the upstream and got its real answer.
      expect(upstream.requests).toHaveLength(4);
      const served = await ask(server, 'only-model', 'works again');
      expect(served.status).toBe(200);
      expect(upstream.requests).toHaveLength(5);
      const [record] = await server.requestLog(1);
      expect(record.decision[0]).toMatchObject({ provider: 'only', outcome: 'used' });
      // Closed again: a later failure does not open it at once.
      upstream.enqueue({ kind: 'status', status: 500 });
      expect((await ask(server, 'only-model', 'one blip')).status).toBe(502);
      expect((await ask(server, 'only-model', 'fine')).status).toBe(200);
    } finally {
      await teardown();
    }
  });

  it('passes an upstream rate limit on while its pause lasts: 429 with Retry-After, RateLimitError in both SDKs, upstream not called', async () => {
    try {
      upstream.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
      const first = await openai.chat.completions.create({ model: 'only-model', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
      expect(first).toBeInstanceOf(OpenAI.RateLimitError);
      const second = await openai.chat.completions.create({ model: 'only-model', messages: [{ role: 'user', content: 'again' }] }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(OpenAI.RateLimitError);
      const secondError = second as InstanceType<typeof OpenAI.RateLimitError>;
      expect(secondError.code).toBe('rate_limit_exceeded');
      expect(Number(secondError.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
      expect(Number(secondError.headers.get('retry-after'))).toBeLessThanOrEqual(30);
      const third = await anthropic.messages.create({ model: 'only-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
      expect(third).toBeInstanceOf(Anthropic.RateLimitError);
      expect((third as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await teardown();
    }
  });

  it('passes an upstream overload pause on as overloaded: 503 for OpenAI callers, 529 overloaded_error for Anthropic callers', async () => {
    try {
      upstream.enqueue({ kind: 'status', status: 503, headers: { 'retry-after': '20' } });
      expect((await ask(server, 'only-model', 'hi')).status).toBe(503);
      const openAiError = await openai.chat.completions.create({ model: 'only-model', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
      expect(openAiError).toBeInstanceOf(OpenAI.InternalServerError);
      expect((openAiError as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      const anthropicError = await anthropic.messages.create({ model: 'only-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
      expect((anthropicError as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
      expect((anthropicError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'overloaded_error' } });
      expect(Number((anthropicError as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after'))).toBeGreaterThan(15);
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await teardown();
    }
  });

  it.each([400, 401, 403, 404, 413, 422])('never counts an upstream %i as a provider failure', async (status) => {
    try {
      for (let attempt = 0; attempt < 5; attempt++) upstream.enqueue({ kind: 'status', status });
      for (let attempt = 0; attempt < 5; attempt++) expect((await ask(server, 'only-model', `bad ${attempt}`)).status).toBeGreaterThanOrEqual(400);
      expect((await ask(server, 'only-model', 'good')).status).toBe(200);
      const [record] = await server.requestLog(1);
      expect(record.decision).toEqual([{ provider: 'only', model: 'only-model', tier: 'cloud', outcome: 'used' }]);
    } finally {
      await teardown();
    }
  });
});

describe('waiting for one provider never blocks another', () => {
  let busy: MockUpstream;
  let idle: MockUpstream;
  let server: TestServer;
  beforeAll(async () => {
    busy = await startMockUpstream({ dialect: 'openai' });
    idle = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer({ AUXOT_QUEUE_MAX_WAITING: '2', AUXOT_QUEUE_MAX_WAIT_MS: '20000' });
    await server.addProvider({ name: 'busy', kind: 'openai-compatible', baseUrl: busy.baseUrl, models: ['busy-model'], settings: { maxConcurrency: 1 } });
    await server.addProvider({ name: 'idle', kind: 'openai-compatible', baseUrl: idle.baseUrl, models: ['idle-model'] });
  });
  afterAll(async () => {
    await server.close();
    await busy.close();
    await idle.close();
  });

  it('serves a request an idle provider can take at once, whatever waits for a saturated one, and bounds the waiting per provider', async () => {
    busy.enqueue({ kind: 'hang-before-headers' });
    const holding = ask(server, 'busy-model', 'hold the only slot');
    await busy.waitForRequests(1);
    const waiting = [ask(server, 'busy-model', 'wait 1'), ask(server, 'busy-model', 'wait 2')];
    await expect.poll(async () => (await server.admin('GET', '/api/admin/providers/busy')).body.queue?.waiting).toBe(2);

    const served = await ask(server, 'idle-model', 'no line here');
    expect(served.status).toBe(200);
    expect(served.queueMs).toBe(0);
    // The line for the saturated provider is full: a third waiter is refused, with Retry-After.
    const refused = await ask(server, 'busy-model', 'wait 3');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();

    busy.releaseHanging();
    expect((await holding).status).toBeGreaterThanOrEqual(500);
    for (const answer of await Promise.all(waiting)) expect(answer.status).toBe(200);
  }, 30_000);
});
