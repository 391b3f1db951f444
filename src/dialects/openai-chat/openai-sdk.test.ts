import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { ChatRequest } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { createOpenAiChatDialect } from './index.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

/**
 * The official `openai` SDK (6.49.0) against a local server that speaks through this dialect:
 * proof that real clients parse what the encoders write, and that what they send decodes.
 */
const dialect = createOpenAiChatDialect(scriptedDeps(1_760_000_000));
const received: ChatRequest[] = [];

const textEvents: ChatEvent[] = [
  { type: 'response-start', id: 'chatcmpl-sdk', model: 'local-model' },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Hello' },
  { type: 'text-delta', index: 0, text: ', world' },
  { type: 'text-end', index: 0 },
  { type: 'usage', usage: { inputTokens: 3, cacheReadTokens: 7, outputTokens: 2 } },
  { type: 'response-end', finishReason: { unified: 'stop' } },
];

const toolEvents: ChatEvent[] = [
  { type: 'response-start', id: 'chatcmpl-tools', model: 'local-model' },
  { type: 'tool-call-start', index: 0, callId: 'call_a', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsJson: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsJson: '"Paris"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'tool-call-start', index: 1, callId: 'call_b', name: 'get_time' },
  { type: 'tool-call-delta', index: 1, argumentsJson: '{}' },
  { type: 'tool-call-end', index: 1 },
  { type: 'response-end', finishReason: { unified: 'stop' } },
];

const midStreamError: ChatEvent[] = [
  { type: 'response-start', id: 'chatcmpl-err', model: 'local-model' },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Par' },
  { type: 'error', error: new GatewayError('upstream_error', 'upstream connection reset') },
];

function writeStream(response: ServerResponse, request: ChatRequest, events: ChatEvent[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const encoder = dialect.createStreamEncoder(request);
  for (const event of events) response.write(encoder.push(event));
  response.end();
}

function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  let request: ChatRequest;
  try {
    request = dialect.decodeRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch (error) {
    const encoded = dialect.encodeError(error instanceof GatewayError ? error : new GatewayError('internal', String(error)), 'req_test');
    writeJson(response, encoded.status, encoded.body, encoded.headers);
    return;
  }
  received.push(request);
  switch (request.model) {
    case 'text':
      return writeStream(response, request, textEvents);
    case 'tools':
      return writeStream(response, request, toolEvents);
    case 'mid-stream-error':
      return writeStream(response, request, midStreamError);
    case 'rate-limited': {
      const encoded = dialect.encodeError(new GatewayError('rate_limited', 'Team limit reached', { retryAfterMs: 1500 }), 'req_429');
      return writeJson(response, encoded.status, encoded.body, encoded.headers);
    }
    default: {
      const result = {
        id: 'chatcmpl-json',
        model: 'local-model',
        content: [{ type: 'text' as const, text: 'Plain answer' }],
        finishReason: { unified: 'stop' as const },
        usage: { inputTokens: 4, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      };
      return writeJson(response, 200, dialect.encodeResult(result, request));
    }
  }
}

let server: Server;
let client: OpenAI;

beforeAll(async () => {
  server = createServer((incoming, response) => void handle(incoming, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the SDK to throw an APIError');
}

describe('the openai SDK against this dialect', () => {
  it('streams a text answer with the usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'text',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? null)).toEqual(['', 'Hello', ', world', null, null]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([null, null, null, 'stop', null]);
    expect(chunks.every((chunk) => chunk.id === 'chatcmpl-sdk' && chunk.model === 'local-model')).toBe(true);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 7 } });
    expect(received.at(-1)).toMatchObject({ model: 'text', stream: true, includeUsage: true });
  });

  it('reassembles parallel tool calls with the stream helper', async () => {
    const runner = client.chat.completions.stream({
      model: 'tools',
      messages: [{ role: 'user', content: 'Weather and time?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
        { type: 'function', function: { name: 'get_time' } },
      ],
    });
    const completion = await runner.finalChatCompletion();
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(received.at(-1)?.tools.map((tool) => tool.name)).toEqual(['get_weather', 'get_time']);
  });

  it('throws an APIError for an in-stream error frame, after the text before it', async () => {
    const stream = await client.chat.completions.create({ model: 'mid-stream-error', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const seen: string[] = [];
    const error = await apiError(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(seen).toEqual(['', 'Par']);
    expect(error.message).toBe('upstream connection reset');
    expect(error.type).toBe('server_error');
    expect(error.code).toBe('upstream_error');
  });

  it('reads a non-streaming encodeResult body', async () => {
    const completion = await client.chat.completions.create({ model: 'plain', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion).toEqual({
      id: 'chatcmpl-json',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'local-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Plain answer', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 4,
        completion_tokens: 2,
        total_tokens: 6,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      system_fingerprint: null,
    });
  });

  it('raises RateLimitError with the status, message and headers of encodeError', async () => {
    const error = await apiError(client.chat.completions.create({ model: 'rate-limited', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.message).toBe('429 Team limit reached');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers?.get('retry-after')).toBe('2');
    expect(error.headers?.get('retry-after-ms')).toBe('1500');
  });

  it('raises BadRequestError naming the param when the SDK body fails decoding', async () => {
    const error = await apiError(
      client.chat.completions.create({ model: 'plain', messages: [{ role: 'user', content: 'Hi' }], n: 2 }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.param).toBe('n');
    expect(error.message).toMatch(/^400 'n' > 1 is not supported/);
    expect(error.headers?.get('x-should-retry')).toBe('false');
  });
});
