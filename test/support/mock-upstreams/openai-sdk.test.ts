import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startMockUpstream, type MockUpstream, type ScriptedTurn } from './index.js';

const MESSAGES = [{ role: 'user' as const, content: 'Weather and time in Paris?' }];

const TWO_TOOLS_TURN: ScriptedTurn = {
  text: 'Checking both for you.',
  toolCalls: [
    { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    { id: 'call_fixed', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
  ],
  usage: { input: 40, output: 25, cacheRead: 10, reasoning: 3 },
};

let mock: MockUpstream;
let client: OpenAI;

beforeEach(async () => {
  mock = await startMockUpstream({ dialect: 'openai' });
  client = new OpenAI({ baseURL: mock.baseUrl, apiKey: 'sk-test', maxRetries: 0 });
});

afterEach(async () => {
  await mock.close();
});

async function collectChunks(turn: ScriptedTurn, includeUsage = false): Promise<ChatCompletionChunk[]> {
  mock.enqueue({ kind: 'turn', turn });
  const stream = await client.chat.completions.create({
    model: 'gpt-test',
    messages: MESSAGES,
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('openai SDK against the mock', () => {
  test('streams text and two parallel tool calls that the SDK assembles, with the usage chunk', async () => {
    mock.enqueue({ kind: 'turn', turn: TWO_TOOLS_TURN });
    const stream = client.chat.completions.stream({
      model: 'gpt-test',
      messages: MESSAGES,
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();

    expect(completion.id).toBe('chatcmpl-mock1');
    expect(completion.model).toBe('gpt-test');
    expect(completion.system_fingerprint).toBe('fp_mock');
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBe('Checking both for you.');
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'call_mock1_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      },
      { id: 'call_fixed', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
    ]);
    expect(completion.usage).toEqual({
      prompt_tokens: 50,
      completion_tokens: 25,
      total_tokens: 75,
      prompt_tokens_details: { cached_tokens: 10, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 3,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
    const [request] = await mock.waitForRequests(1);
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({ model: 'gpt-test', stream: true, stream_options: { include_usage: true } });
    expect(request?.completedAt).toBeGreaterThanOrEqual(request?.receivedAt ?? Infinity);
  });

  test('framing: role chunk first, usage null on each chunk, a usage chunk with empty choices last', async () => {
    const chunks = await collectChunks(TWO_TOOLS_TURN, true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.usage).toBeNull();
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.id).toBe('chatcmpl-mock1');
    }
    const finish = chunks.at(-2);
    expect(finish?.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(75);
    const toolStarts = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).filter((call) => call.id);
    expect(toolStarts).toEqual([
      { index: 0, id: 'call_mock1_0', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: 'call_fixed', type: 'function', function: { name: 'get_time', arguments: '' } },
    ]);
  });

  test('without include_usage there is no usage key and no usage chunk', async () => {
    const chunks = await collectChunks({ text: 'hi' });
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  test('a turn that opens with a tool call carries it in the role chunk with content null', async () => {
    const chunks = await collectChunks({ toolCalls: [{ name: 'lookup', arguments: '{"q":"x"}' }], fragmentChars: 4 });
    expect(chunks[0]?.choices[0]?.delta).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id: 'call_mock1_0', type: 'function', function: { name: 'lookup', arguments: '' } }],
      refusal: null,
    });
    const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).slice(1);
    expect(fragments.map((call) => call.function?.arguments)).toEqual(['{"q"', ':"x"', '}']);
    expect(fragments.every((call) => call.index === 0 && call.id === undefined)).toBe(true);
  });

  test('reasoning streams as delta.reasoning_content pieces before the content', async () => {
    const chunks = await collectChunks({ reasoning: 'Think first.', text: 'Done.', fragmentChars: 5 });
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta as Record<string, unknown> | undefined);
    expect(deltas.map((delta) => delta?.['reasoning_content']).filter((piece) => piece !== undefined)).toEqual([
      'Think',
      ' firs',
      't.',
    ]);
    const firstContent = deltas.findIndex((delta) => delta?.['content'] === 'Done.');
    const lastReasoning = deltas.findLastIndex((delta) => delta?.['reasoning_content'] !== undefined);
    expect(firstContent).toBeGreaterThan(lastReasoning);
  });

  test('non-streaming answers with a chat.completion object', async () => {
    mock.enqueue({ kind: 'turn', turn: { ...TWO_TOOLS_TURN, id: 'chatcmpl-fixed', model: 'gpt-served' } });
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: MESSAGES });
    expect(completion).toMatchObject({ id: 'chatcmpl-fixed', object: 'chat.completion', model: 'gpt-served' });
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Checking both for you.',
          refusal: null,
          annotations: [],
          tool_calls: [
            {
              id: 'call_mock1_0',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
            },
            { id: 'call_fixed', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(completion.usage?.prompt_tokens).toBe(50);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(10);
  });

  test('a status 429 scenario makes the SDK throw RateLimitError with the dialect error body', async () => {
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const request = client.chat.completions.create({ model: 'gpt-test', messages: MESSAGES });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.headers.get('retry-after')).toBe('7');
    expect(rateLimit.requestID).toBe('req_mock1');
  });

  test('an in-stream error frame makes the SDK throw APIError mid-stream', async () => {
    mock.enqueue({ kind: 'error-event', afterEvents: 2, errorType: 'server_error', message: 'boom upstream' });
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: MESSAGES, stream: true });
    const seen: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('boom upstream');
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
  });

  test('reset-after-events: the SDK yields the first chunks, then throws', async () => {
    mock.enqueue({ kind: 'reset-after-events', turn: { text: 'abcdefghijkl' }, events: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: MESSAGES, stream: true });
    const seen: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(['', 'abc']);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OpenAI.APIError);
  });

  test('a caller abort through the SDK signal is recorded by the mock', async () => {
    mock.enqueue({ kind: 'turn', turn: { text: 'y'.repeat(100), fragmentChars: 1, delayMs: 20 } });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-test', messages: MESSAGES, stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content === 'y') break;
    }
    const [request] = await mock.waitForRequests(1);
    if (request === undefined) throw new Error('no request recorded');
    expect(await mock.waitForAbort(request)).toBeGreaterThan(request.receivedAt);
    expect(request.completedAt).toBeUndefined();
  });

  test('requireApiKey answers 401 to a wrong key and serves the right one', async () => {
    const guarded = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-provider' });
    try {
      const wrong = new OpenAI({ baseURL: guarded.baseUrl, apiKey: 'sk-caller', maxRetries: 0 });
      const error = await wrong.chat.completions.create({ model: 'm', messages: MESSAGES }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
      const right = new OpenAI({ baseURL: guarded.baseUrl, apiKey: 'sk-provider', maxRetries: 0 });
      const completion = await right.chat.completions.create({ model: 'm', messages: MESSAGES });
      expect(completion.choices[0]?.message.content).toBe('Hello from the mock upstream.');
      expect(guarded.requests.map((request) => request.headers['authorization'])).toEqual([
        'Bearer sk-caller',
        'Bearer sk-provider',
      ]);
    } finally {
      await guarded.close();
    }
  });

  test('lists models', async () => {
    const page = await client.models.list();
    expect(page.data).toEqual([{ id: 'gpt-mock', object: 'model', created: 1_700_000_000, owned_by: 'mock' }]);
    expect(mock.requests).toHaveLength(0);
    expect(mock.allRequests.map((request) => request.path)).toEqual(['/v1/models']);
  });

  const splits = [['random' as const, 7], [1, 0], [5, 0]] as const;
  test.each(splits)('split %s parses identically to per-event writes', async (split, seed) => {
    const turn: ScriptedTurn = {
      id: 'chatcmpl-same',
      reasoning: 'ünïcödé 🌍 reasoning',
      text: 'Grüße aus Köln 🌧️ — wet.',
      toolCalls: [{ id: 'call_a', name: 'f', arguments: '{"ü":"🌍","n":[1,2,3]}' }],
      usage: { input: 3, output: 4 },
    };
    const normalize = (chunks: ChatCompletionChunk[]): unknown => chunks.map((chunk) => ({ ...chunk, created: 0 }));
    const reference = normalize(await collectChunks(turn, true));
    const splitChunks = normalize(await collectChunks({ ...turn, split, seed }, true));
    expect(splitChunks).toEqual(reference);
  });
});
