import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { estimateInputTokens, startMockUpstream, type MockUpstream, type ScriptedTurn } from './index.js';
import { postJson, settlesWithin } from './test-http.js';

const PARAMS = {
  model: 'claude-test',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
};

const FULL_TURN: ScriptedTurn = {
  reasoning: 'The user wants Paris weather; call the tool.',
  reasoningSignature: 'sig-abc',
  text: 'Let me look that up.',
  toolCalls: [
    { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    { id: 'toolu_fixed', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
  ],
  usage: { input: 120, output: 42, cacheRead: 30, cacheWrite: 5 },
};

let mock: MockUpstream;
let client: Anthropic;

beforeEach(async () => {
  mock = await startMockUpstream({ dialect: 'anthropic' });
  client = new Anthropic({ baseURL: mock.baseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
});

afterEach(async () => {
  await mock.close();
});

async function collectEvents(turn: ScriptedTurn): Promise<RawMessageStreamEvent[]> {
  mock.enqueue({ kind: 'turn', turn });
  const stream = await client.messages.create({ ...PARAMS, stream: true });
  const events: RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('@anthropic-ai/sdk against the mock', () => {
  test('messages.stream().finalMessage() assembles thinking, text and tool_use input, usage included', async () => {
    mock.enqueue({ kind: 'turn', turn: FULL_TURN });
    const message = await client.messages.stream(PARAMS).finalMessage();

    expect(message.id).toBe('msg_mock1');
    expect(message.model).toBe('claude-test');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.stop_sequence).toBeNull();
    expect(message.content).toHaveLength(4);
    expect(message.content[0]).toEqual({ type: 'thinking', thinking: FULL_TURN.reasoning, signature: 'sig-abc' });
    expect(message.content[1]).toEqual({ type: 'text', text: 'Let me look that up.' });
    expect(message.content[2]).toEqual({
      type: 'tool_use',
      id: 'toolu_mock1_0',
      name: 'get_weather',
      input: { city: 'Paris', unit: 'celsius' },
    });
    expect(message.content[3]).toEqual({
      type: 'tool_use',
      id: 'toolu_fixed',
      name: 'get_time',
      input: { tz: 'Europe/Paris' },
    });
    expect(message.usage).toEqual({
      input_tokens: 120,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 30,
      output_tokens: 42,
      service_tier: 'standard',
    });
    const [request] = await mock.waitForRequests(1);
    expect(request?.headers['authorization']).toBe('Bearer sk-ant-test');
    expect(request?.headers['anthropic-version']).toEqual(expect.any(String));
  });

  test('event order: message_start, blocks (ping after the first start), message_delta, message_stop', async () => {
    const events = await collectEvents({ ...FULL_TURN, fragmentChars: 1000 });
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta', // thinking_delta
      'content_block_delta', // signature_delta
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta', // the empty first input_json_delta
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const signature = { type: 'signature_delta', signature: 'sig-abc' };
    expect(events[3]).toEqual({ type: 'content_block_delta', index: 0, delta: signature });
    expect(events[8]).toEqual({
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_mock1_0', name: 'get_weather', input: {} },
    });
    const emptyJson = { type: 'input_json_delta', partial_json: '' };
    expect(events[9]).toEqual({ type: 'content_block_delta', index: 2, delta: emptyJson });
    expect(events[16]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 42 },
    });
  });

  test.each([
    ['stop' as const, 'end_turn'],
    ['length' as const, 'max_tokens'],
    ['content_filter' as const, 'refusal'],
    ['tool_calls' as const, 'tool_use'],
  ])('finish %s maps to stop_reason %s', async (finish, stopReason) => {
    mock.enqueue({ kind: 'turn', turn: { text: 'x', finish } });
    const message = await client.messages.stream(PARAMS).finalMessage();
    expect(message.stop_reason).toBe(stopReason);
  });

  test('non-streaming answers with the message object', async () => {
    mock.enqueue({ kind: 'turn', turn: { ...FULL_TURN, id: 'msg_fixed', model: 'claude-served' } });
    const message = await client.messages.create(PARAMS);
    expect(message).toEqual({
      id: 'msg_fixed',
      type: 'message',
      role: 'assistant',
      model: 'claude-served',
      content: [
        { type: 'thinking', thinking: FULL_TURN.reasoning, signature: 'sig-abc' },
        { type: 'text', text: 'Let me look that up.' },
        { type: 'tool_use', id: 'toolu_mock1_0', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
        { type: 'tool_use', id: 'toolu_fixed', name: 'get_time', input: { tz: 'Europe/Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 120,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 30,
        cache_creation: { ephemeral_5m_input_tokens: 5, ephemeral_1h_input_tokens: 0 },
        output_tokens: 42,
        service_tier: 'standard',
      },
    });
  });

  test('status 429 throws RateLimitError, 529 an overloaded APIError, both with request-id', async () => {
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '3' } }, { kind: 'status', status: 529 });
    const limited = await client.messages.create(PARAMS).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).type).toBe('rate_limit_error');
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).requestID).toBe('req_mock1');
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('3');
    const overloaded = await client.messages.create(PARAMS).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
  });

  test('an event: error right after message_start makes the stream throw overloaded_error', async () => {
    mock.enqueue({ kind: 'error-event', afterEvents: 1 });
    const error = await client.messages.stream(PARAMS).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect((error as InstanceType<typeof Anthropic.APIError>).apiMessage).toBe('Overloaded');
  });

  test('hang-after-events: the SDK stream waits until released, then throws', async () => {
    mock.enqueue({ kind: 'hang-after-events', turn: FULL_TURN, events: 4 });
    const stream = client.messages.stream(PARAMS);
    const seen: string[] = [];
    stream.on('streamEvent', (event) => seen.push(event.type));
    const final = stream.finalMessage().catch((e: unknown) => e);
    await expect.poll(() => seen.length).toBe(3); // the ping is not surfaced by the SDK
    expect(await settlesWithin(final, 100)).toBe('pending');
    mock.releaseHanging();
    expect(await final).toBeInstanceOf(Error);
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  test('a non-streaming tool call with non-JSON arguments is a script mistake answered as 500', async () => {
    mock.enqueue({ kind: 'turn', turn: { toolCalls: [{ name: 'broken', arguments: '{"a":' }] } });
    const error = await client.messages.create(PARAMS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).apiMessage).toContain('"broken" are not valid JSON');
  });

  test('streamed tool arguments are sent as-is, even when not JSON', async () => {
    const events = await collectEvents({ toolCalls: [{ name: 'raw', arguments: '{"a":' }], fragmentChars: 100 });
    const fragments = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'input_json_delta' ? [event.delta.partial_json] : [],
    );
    expect(fragments).toEqual(['', '{"a":']);
  });

  test('count_tokens returns the deterministic estimate of system+messages+tools', async () => {
    const body = { model: 'claude-test', system: 'Be brief.', messages: PARAMS.messages };
    const counted = await client.messages.countTokens(body);
    expect(counted).toEqual({ input_tokens: estimateInputTokens(body) });
    const json = JSON.stringify({ system: body.system, messages: body.messages });
    expect(counted.input_tokens).toBe(Math.ceil(json.length / 4));
    expect(mock.requests).toHaveLength(0);
  });

  test('requireApiKey accepts x-api-key or Bearer and answers 401 otherwise', async () => {
    const guarded = await startMockUpstream({ dialect: 'anthropic', requireApiKey: 'sk-provider' });
    try {
      const url = `${guarded.baseUrl}/v1/messages?beta=true`;
      const byHeader = await postJson(url, PARAMS, { headers: { 'x-api-key': 'sk-provider' } });
      expect(byHeader.status).toBe(200);
      const wrong = new Anthropic({ baseURL: guarded.baseUrl, apiKey: 'sk-caller', maxRetries: 0 });
      const error = await wrong.messages.create(PARAMS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
        request_id: 'req_mock2',
      });
      const right = new Anthropic({ baseURL: guarded.baseUrl, apiKey: 'sk-provider', maxRetries: 0 });
      const served = await right.messages.create(PARAMS);
      expect(served.content).toEqual([{ type: 'text', text: 'Hello from the mock upstream.' }]);
      const paths = guarded.requests.map((request) => request.path);
      expect(paths).toEqual(['/v1/messages?beta=true', '/v1/messages', '/v1/messages']);
    } finally {
      await guarded.close();
    }
  });

  test('rejects a body without max_tokens with 400 invalid_request_error, consuming no scenario', async () => {
    mock.enqueue({ kind: 'turn', turn: { text: 'kept for the next request' } });
    const { max_tokens: _dropped, ...withoutMax } = PARAMS;
    const response = await postJson(`${mock.baseUrl}/v1/messages`, withoutMax);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const message = await client.messages.create(PARAMS);
    expect(message.content).toEqual([{ type: 'text', text: 'kept for the next request' }]);
  });

  test('lists models in the anthropic shape', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => [model.type, model.id])).toEqual([['model', 'claude-mock']]);
  });

  const splits = [['random' as const, 11], [1, 0], [7, 0]] as const;
  test.each(splits)('split %s parses identically to per-event writes', async (split, seed) => {
    const turn: ScriptedTurn = {
      id: 'msg_same',
      reasoning: 'dénkën 🤔 über',
      text: 'Grüße 🌧️ — nass.',
      toolCalls: [{ id: 'toolu_a', name: 'f', arguments: '{"ü":"🌍","n":[1,2,3]}' }],
      usage: { input: 3, output: 4 },
    };
    const reference = await collectEvents(turn);
    expect(await collectEvents({ ...turn, split, seed })).toEqual(reference);
  });
});
