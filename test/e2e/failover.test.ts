import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockDialect, type MockUpstream, type Scenario } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { anthropicClient, openAiClient, type ClientKind } from './helpers/clients.js';
import { CHAT_PATHS, rawRequest, recordOf, sseMessages } from './helpers/raw-http.js';
import { requestIdOf } from './helpers/request-ledger.js';

/**
 * Two providers serve `shared-model`. Before the first byte reaches the caller, a failing first
 * provider is passed over transparently; after it, or for a request the upstream rejects as bad,
 * it is not. The request record explains the decision.
 */

const MODEL = 'shared-model';
const SECOND_TEXT = 'Answer from the second provider.';
const FIRST_BYTE_TIMEOUT_MS = 300;

interface FailoverCase {
  label: string;
  first: MockDialect;
  client: ClientKind;
  stream: boolean;
  scenario: Scenario;
  /** What the record must say about the failed first candidate. */
  reason: RegExp;
}

const CASES: FailoverCase[] = [
  { label: '429 with retry-after', first: 'openai', client: 'openai', stream: false, scenario: { kind: 'status', status: 429, headers: { 'retry-after': '20' } }, reason: /rate limit/i },
  { label: '429 with retry-after', first: 'anthropic', client: 'anthropic', stream: true, scenario: { kind: 'status', status: 429, headers: { 'retry-after': '20' } }, reason: /rate limit/i },
  { label: '500', first: 'openai', client: 'anthropic', stream: false, scenario: { kind: 'status', status: 500 }, reason: /server had an error/i },
  { label: '500', first: 'anthropic', client: 'openai', stream: true, scenario: { kind: 'status', status: 500 }, reason: /internal server error/i },
  { label: '529 overloaded', first: 'anthropic', client: 'openai', stream: true, scenario: { kind: 'status', status: 529 }, reason: /overloaded/i },
  { label: '529 overloaded', first: 'anthropic', client: 'anthropic', stream: false, scenario: { kind: 'status', status: 529 }, reason: /overloaded/i },
  { label: 'reset before headers', first: 'openai', client: 'openai', stream: true, scenario: { kind: 'reset-before-headers' }, reason: /unreachable/i },
  { label: 'reset before headers', first: 'anthropic', client: 'anthropic', stream: false, scenario: { kind: 'reset-before-headers' }, reason: /unreachable/i },
  { label: 'a 200 whose first event is an error', first: 'openai', client: 'openai', stream: true, scenario: { kind: 'error-event', afterEvents: 0, message: 'engine melted' }, reason: /engine melted/ },
  { label: 'no headers within firstByteTimeoutMs', first: 'openai', client: 'anthropic', stream: true, scenario: { kind: 'hang-before-headers' }, reason: /timed out/i },
  { label: 'a 200 whose first event is an error', first: 'anthropic', client: 'anthropic', stream: true, scenario: { kind: 'error-event', afterEvents: 1, message: 'engine melted' }, reason: /engine melted/ },
];

describe('failover before the first byte', () => {
  const mocks = {} as Record<MockDialect | 'second', MockUpstream>;
  let server: TestServer;
  beforeAll(async () => {
    mocks.openai = await startMockUpstream({ dialect: 'openai' });
    mocks.anthropic = await startMockUpstream({ dialect: 'anthropic' });
    mocks.second = await startMockUpstream({ dialect: 'openai' });
  });
  afterAll(async () => {
    for (const mock of Object.values(mocks)) {
      mock.releaseHanging();
      await mock.close();
    }
  });
  // A fresh server per test: a failure (a 429's Retry-After above all) rightly rests the first
  // provider's circuit, which must not leak into the next case.
  let firstDialect: MockDialect = 'openai';
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => server.close());

  async function addProviders(first: MockDialect): Promise<void> {
    firstDialect = first;
    const kind = first === 'openai' ? 'openai-compatible' : 'anthropic';
    const settings = { firstByteTimeoutMs: FIRST_BYTE_TIMEOUT_MS };
    await server.addProvider({ name: 'first', kind, baseUrl: mocks[first].baseUrl, models: [MODEL], settings });
    await server.addProvider({ name: 'second', kind: 'openai-compatible', baseUrl: mocks.second.baseUrl, models: [MODEL] });
  }

  /** One call through the official SDK; returns the text it parsed and the response headers. */
  async function ask(client: ClientKind, stream: boolean): Promise<{ text: string; headers: Headers }> {
    const messages = [{ role: 'user' as const, content: 'Who answers?' }];
    if (client === 'openai') {
      const openai = openAiClient(server);
      if (!stream) {
        const { data, response } = await openai.chat.completions.create({ model: MODEL, messages }).withResponse();
        return { text: data.choices[0]?.message.content ?? '', headers: response.headers };
      }
      const { data, response } = await openai.chat.completions.create({ model: MODEL, messages, stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
      return { text, headers: response.headers };
    }
    const anthropic = anthropicClient(server);
    if (!stream) {
      const { data, response } = await anthropic.messages.create({ model: MODEL, max_tokens: 100, messages }).withResponse();
      return { text: data.content.map((block) => (block.type === 'text' ? block.text : '')).join(''), headers: response.headers };
    }
    const { data, response } = await anthropic.messages.create({ model: MODEL, max_tokens: 100, messages, stream: true }).withResponse();
    let text = '';
    for await (const event of data) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    return { text, headers: response.headers };
  }

  const counts = (): [number, number] => [mocks[firstDialect].requests.length, mocks.second.requests.length];

  it.each(CASES)('first fails with $label ($first upstream, $client caller, stream=$stream): the second answers', async (testCase) => {
    await addProviders(testCase.first);
    const [firstBefore, secondBefore] = counts();
    mocks[testCase.first].enqueue(testCase.scenario);
    mocks.second.enqueue({ kind: 'turn', turn: { text: SECOND_TEXT } });

    const { text, headers } = await ask(testCase.client, testCase.stream);
    expect(text).toBe(SECOND_TEXT);
    expect(headers.get('x-auxot-provider')).toBe('second');
    expect(counts()).toEqual([firstBefore + 1, secondBefore + 1]);

    const record = await recordOf(server, headers.get('x-request-id'));
    expect(record.status).toBe(200);
    expect(record.decision).toHaveLength(2);
    expect(record.decision[0]).toMatchObject({ provider: 'first', model: MODEL, outcome: 'failed' });
    expect(record.decision[0].reason).toMatch(testCase.reason);
    expect(record.decision[1]).toMatchObject({ provider: 'second', model: MODEL, outcome: 'used' });
    expect(record.decision[1].reason).toBeUndefined();
  });

  it.each(['openai', 'anthropic'] as const)('does not fail over once the first byte is out (%s caller): in-stream error instead', async (client) => {
    await addProviders('openai');
    const [firstBefore, secondBefore] = counts();
    mocks.openai.enqueue({ kind: 'reset-after-events', events: 4, turn: { text: 'partial answer that will be cut off', fragmentChars: 4 } });
    const body = { model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true, ...(client === 'anthropic' ? { max_tokens: 50 } : {}) };
    const response = await rawRequest(server, CHAT_PATHS[client], { body });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auxot-provider')).toBe('first');
    const messages = sseMessages(response.text);
    expect(response.text).toContain('"part"');
    if (client === 'openai') {
      expect(messages.at(-1)?.data).toMatch(/^\{"error":/);
      expect(messages.some((message) => message.data === '[DONE]')).toBe(false);
    } else {
      expect(messages.at(-1)?.event).toBe('error');
      expect(messages.some((message) => message.event === 'message_stop')).toBe(false);
    }
    expect(counts()).toEqual([firstBefore + 1, secondBefore]);
    const record = await recordOf(server, response.headers.get('x-request-id'));
    expect(record.decision.map((entry: { outcome: string }) => entry.outcome)).toEqual(['used', 'skipped']);
    expect(record.errorCode).not.toBeNull();
  });

  it.each(['openai', 'anthropic'] as const)('does not fail over a 400 from the first provider (%s caller): it is relayed', async (client) => {
    await addProviders('openai');
    const [firstBefore, secondBefore] = counts();
    const upstreamBody = { error: { message: "Invalid 'messages[0].content': too long.", type: 'invalid_request_error', param: null, code: null } };
    mocks.openai.enqueue({ kind: 'status', status: 400, body: upstreamBody });
    const error = await ask(client, false).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(client === 'openai' ? OpenAI.BadRequestError : Anthropic.BadRequestError);
    expect((error as Error).message).toContain("Invalid 'messages[0].content': too long.");
    expect(counts()).toEqual([firstBefore + 1, secondBefore]);
    const record = await recordOf(server, requestIdOf(error));
    expect(record.status).toBe(400);
    expect(record.decision.map((entry: { outcome: string }) => entry.outcome)).toEqual(['failed', 'skipped']);
  });
});
