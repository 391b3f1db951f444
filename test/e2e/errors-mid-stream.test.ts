import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockDialect, Scenario } from '../support/mock-upstreams/index.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { expectDialectError } from './helpers/dialect-errors.js';
import { PROVIDERS, startGatewayWithUpstreams, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { CHAT_PATHS, rawRequest, sseMessages, type SseMessage } from './helpers/raw-http.js';
import { expectStillServing, RequestLedger, requestIdOf } from './helpers/request-ledger.js';

/**
 * Upstream failures after the first byte reached the caller: no failover is possible any more, so
 * the caller gets its own dialect's in-stream error frame — and never a `[DONE]` or `message_stop`
 * that would pass a cut answer off as complete. The SDKs must throw.
 */

const TEXT = 'The quick brown fox jumps over the lazy dog, twice over. '.repeat(2);
/** Past the role chunk / message_start and a few deltas, so the answer is committed. */
const EVENTS_BEFORE_FAULT = 5;
const FAULTS = ['reset-after-events', 'error-event', 'end-without-terminal', 'hang-after-events'] as const;
/** An upstream silent this long mid-answer is given up on (`hang-after-events`). */
const IDLE_TIMEOUT_MS = 300;
type Fault = (typeof FAULTS)[number];

function faultScenario(fault: Fault): Scenario {
  const turn = { text: TEXT, fragmentChars: 4 };
  if (fault === 'error-event') return { kind: fault, afterEvents: EVENTS_BEFORE_FAULT, turn, message: 'Overloaded mid-answer' };
  return { kind: fault, events: EVENTS_BEFORE_FAULT, turn };
}

const CASES = (['openai', 'anthropic'] as const).flatMap((client) =>
  (['openai', 'anthropic'] as const).flatMap((upstream) => FAULTS.map((fault) => ({ client, upstream, fault }))),
);

/** The text deltas a caller received before the error, read from its own dialect. */
function receivedText(client: MockDialect, messages: SseMessage[]): string {
  return messages
    .map((message) => {
      const data = JSON.parse(message.data) as Record<string, any>;
      return client === 'openai' ? (data.choices?.[0]?.delta?.content ?? '') : data.type === 'content_block_delta' ? (data.delta?.text ?? '') : '';
    })
    .join('');
}

function expectErrorFrameOnly(client: MockDialect, messages: SseMessage[]): void {
  const last = messages.at(-1);
  if (client === 'openai') {
    expect(messages.some((message) => message.data === '[DONE]')).toBe(false);
    expect(messages.filter((message) => message.data.includes('"error"'))).toHaveLength(1);
    expect(last?.event).toBeUndefined();
    const error = (JSON.parse(last?.data ?? '{}') as { error?: Record<string, unknown> }).error;
    expect(typeof error?.message).toBe('string');
    expect(typeof error?.type).toBe('string');
    return;
  }
  expect(messages.some((message) => message.event === 'message_stop')).toBe(false);
  expect(messages.filter((message) => message.event === 'error')).toHaveLength(1);
  expect(messages[0]?.event).toBe('message_start');
  expect(last?.event).toBe('error');
  const payload = JSON.parse(last?.data ?? '{}') as { type?: string; error?: Record<string, unknown> };
  expect(payload.type).toBe('error');
  expect(typeof payload.error?.type).toBe('string');
  expect(typeof payload.error?.message).toBe('string');
}

describe('upstream failures after the first byte', () => {
  let gateway: GatewayWithUpstreams;
  let ledger: RequestLedger;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    const settings = { idleTimeoutMs: IDLE_TIMEOUT_MS };
    gateway = await startGatewayWithUpstreams({ env: { AUXOT_BREAKER_FAILURES: '1000' }, settings: { openai: settings, anthropic: settings } });
    ledger = new RequestLedger(gateway.server);
    openai = openAiClient(gateway.server);
    anthropic = anthropicClient(gateway.server);
  });
  afterAll(async () => {
    for (const upstream of Object.values(gateway.upstreams)) upstream.releaseHanging();
    await gateway.close();
  });
  afterEach(async () => {
    await expectStillServing(openai, PROVIDERS.openai.model, ledger);
    await ledger.expectOneRecordEach();
  });

  const body = (client: MockDialect, upstream: MockDialect, stream: boolean): Record<string, unknown> => ({
    model: PROVIDERS[upstream].model,
    messages: [{ role: 'user', content: 'Tell me about foxes.' }],
    stream,
    ...(client === 'anthropic' ? { max_tokens: 200 } : {}),
  });

  it.each(CASES)('$fault from a $upstream upstream: a $client caller gets one error frame and no terminal event', async ({ client, upstream, fault }) => {
    gateway.upstreams[upstream].enqueue(faultScenario(fault));
    const response = await rawRequest(gateway.server, CHAT_PATHS[client], { body: body(client, upstream, true) });
    ledger.track(response.headers.get('x-request-id'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const messages = sseMessages(response.text);
    expectErrorFrameOnly(client, messages);
    const text = receivedText(client, messages.filter((message) => message.data !== '[DONE]'));
    expect(text.length).toBeGreaterThan(0);
    expect(TEXT.startsWith(text)).toBe(true);
    const records = await ledger.expectOneRecordEach();
    expect([...records.values()][0]?.errorCode).not.toBeNull();
  });

  // The idle timeout is undici's coarse body timer (~0.5 s granularity): one pass over it, in the raw test, is enough.
  it.each(CASES.filter((testCase) => testCase.fault !== 'hang-after-events'))(
    '$fault from a $upstream upstream: the $client SDK throws after the partial text',
    async ({ client, upstream, fault }) => {
      gateway.upstreams[upstream].enqueue(faultScenario(fault));
      let text = '';
      let thrown: unknown;
      try {
        if (client === 'openai') {
          const messages = [{ role: 'user' as const, content: 'Tell me about foxes.' }];
          const stream = await openai.chat.completions.create({ model: PROVIDERS[upstream].model, messages, stream: true });
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        } else {
          const stream = anthropic.messages.stream(body(client, upstream, false) as never);
          stream.on('text', (delta) => (text += delta));
          await stream.finalMessage();
        }
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(client === 'openai' ? OpenAI.APIError : Anthropic.APIError);
      ledger.track(requestIdOf(thrown));
      expect(text.length).toBeGreaterThan(0);
      expect(TEXT.startsWith(text)).toBe(true);
    },
  );

  it.each(CASES.filter((testCase) => testCase.fault === 'reset-after-events'))(
    'a non-streaming $client caller whose $upstream upstream resets mid-answer gets a clean 5xx error',
    async ({ client, upstream, fault }) => {
        gateway.upstreams[upstream].enqueue(faultScenario(fault));
        const response = await rawRequest(gateway.server, CHAT_PATHS[client], { body: body(client, upstream, false) });
        ledger.track(response.headers.get('x-request-id'));
        expect(response.status).toBeGreaterThanOrEqual(500);
        expectDialectError(client, response, response.status);
    },
  );
});
