import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { createAnthropicMessagesDialect } from './index.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

/**
 * The official SDK (1.14.0) against a real local server that speaks through this dialect: it decodes
 * the SDK's own request, then answers with the encoder's frames, encodeResult or encodeError.
 */
const dialect = createAnthropicMessagesDialect(scriptedDeps());

const toolTurn: ChatEvent[] = [
  { type: 'response-start', id: 'msg_gw_1', model: 'qwen3-coder' },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Checking ' },
  { type: 'text-delta', index: 0, text: 'the weather.' },
  { type: 'text-end', index: 0 },
  { type: 'tool-call-start', index: 1, callId: 'call_42', name: 'get_weather' },
  { type: 'tool-call-delta', index: 1, argumentsJson: '{"city": "Pa' },
  { type: 'tool-call-delta', index: 1, argumentsJson: 'ris", "unit": "C"}' },
  { type: 'tool-call-end', index: 1 },
  { type: 'usage', usage: { inputTokens: 1200, outputTokens: 31, cacheReadTokens: 800, cacheWriteTokens: 64 } },
  { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } },
];

const thinkingTurn: ChatEvent[] = [
  { type: 'response-start', id: 'msg_gw_2', model: 'claude-sonnet-4-5' },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'Six times seven.' },
  { type: 'reasoning-end', index: 0, signature: 'sig-abc' },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: '42' },
  { type: 'text-end', index: 1 },
  { type: 'usage', usage: { inputTokens: 20, outputTokens: 12 } },
  { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
];

const brokenTurn: ChatEvent[] = [
  { type: 'response-start', id: 'msg_gw_3', model: 'm' },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Half an ans' },
  { type: 'error', error: new GatewayError('overloaded', 'Upstream overloaded, try again') },
];

const wholeResult: ChatResult = {
  id: 'msg_gw_4',
  model: 'qwen3-coder',
  content: [
    { type: 'text', text: 'Calling the tool.' },
    { type: 'tool-call', callId: 'call_7', name: 'get_weather', argumentsJson: '{"city":"Rome"}' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: { inputTokens: 90, outputTokens: 15, cacheReadTokens: 10, cacheWriteTokens: 0, reasoningTokens: 0 },
};

const scenarios: Record<string, ChatEvent[]> = { tool: toolTurn, thinking: thinkingTurn, broken: brokenTurn };
const errors: Record<string, GatewayError> = {
  'rate-limited': new GatewayError('rate_limited', 'Team limit reached', { retryAfterMs: 1500, retryable: false }),
  'no-capacity': new GatewayError('no_capacity', 'No capacity'),
};

const received: ChatRequest[] = [];

function handle(request: ChatRequest, response: ServerResponse): void {
  const first = request.messages[0]?.content[0];
  const key = first?.type === 'text' ? first.text : '';
  const failure = errors[key];
  if (failure !== undefined) {
    const encoded = dialect.encodeError(failure, 'req_1');
    response.writeHead(encoded.status, { 'content-type': 'application/json', ...encoded.headers }).end(JSON.stringify(encoded.body));
    return;
  }
  if (!request.stream) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dialect.encodeResult(wholeResult, request)));
    return;
  }
  const encoder = dialect.createStreamEncoder(request);
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of scenarios[key] ?? []) response.write(encoder.push(event));
  response.end();
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

let server: Server;
let client: Anthropic;

beforeAll(async () => {
  server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const decoded = dialect.decodeRequest(body);
        received.push(decoded);
        handle(decoded, response);
      })
      .catch((error: unknown) => {
        const encoded = dialect.encodeError(error instanceof GatewayError ? error : new GatewayError('internal', String(error)));
        response.writeHead(encoded.status, encoded.headers).end(JSON.stringify(encoded.body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const tools = [
  { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } },
];

describe('@anthropic-ai/sdk 1.14 against the encoder', () => {
  it('streams with messages.create and sees every event in order', async () => {
    const stream = await client.messages.create({
      model: 'coding',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'tool' }],
      tools,
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let json = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') json += event.delta.partial_json;
    }
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(text).toBe('Checking the weather.');
    expect(JSON.parse(json)).toEqual({ city: 'Paris', unit: 'C' });
    expect(received.at(-1)?.tools).toEqual([
      { name: 'get_weather', description: 'Weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } },
    ]);
  });

  it('accumulates the final message with messages.stream, real usage included', async () => {
    const message = await client.messages
      .stream({ model: 'coding', max_tokens: 256, messages: [{ role: 'user', content: 'tool' }], tools })
      .finalMessage();
    expect(message.id).toBe('msg_gw_1');
    expect(message.model).toBe('qwen3-coder');
    expect(message.role).toBe('assistant');
    expect(message.content).toMatchObject([
      { type: 'text', text: 'Checking the weather.' },
      { type: 'tool_use', id: 'call_42', name: 'get_weather', input: { city: 'Paris', unit: 'C' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.stop_sequence).toBeNull();
    expect(message.usage).toMatchObject({
      input_tokens: 1200,
      output_tokens: 31,
      cache_read_input_tokens: 800,
      cache_creation_input_tokens: 64,
    });
  });

  it('accumulates thinking with its signature', async () => {
    const message = await client.messages
      .stream({ model: 'coding', max_tokens: 2048, messages: [{ role: 'user', content: 'thinking' }] })
      .finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Six times seven.', signature: 'sig-abc' },
      { type: 'text', text: '42' },
    ]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('throws an APIError of the right type on a mid-stream error frame', async () => {
    const stream = await client.messages.create({
      model: 'coding',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'broken' }],
      stream: true,
    });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((error: unknown) => error);
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).type).toBe('overloaded_error');
    expect((failure as APIError).apiMessage).toBe('Upstream overloaded, try again');

    const streamed = client.messages.stream({ model: 'coding', max_tokens: 64, messages: [{ role: 'user', content: 'broken' }] });
    await expect(streamed.finalMessage()).rejects.toBeInstanceOf(APIError);
  });

  it('reads a non-streaming encodeResult body', async () => {
    const message = await client.messages.create({
      model: 'coding',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'whole' }],
      tools,
    });
    expect(message).toEqual({
      id: 'msg_gw_4',
      type: 'message',
      role: 'assistant',
      model: 'qwen3-coder',
      content: [
        { type: 'text', text: 'Calling the tool.' },
        { type: 'tool_use', id: 'call_7', name: 'get_weather', input: { city: 'Rome' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 90, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 },
    });
  });

  it.each([
    ['rate-limited', 429, 'rate_limit_error', Anthropic.RateLimitError],
    ['no-capacity', 529, 'overloaded_error', Anthropic.OverloadedError],
  ] as const)('throws the right APIError for encodeError (%s)', async (key, status, type, errorClass) => {
    const failure = await client.messages
      .create({ model: 'coding', max_tokens: 64, messages: [{ role: 'user', content: key }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(errorClass);
    const apiError = failure as APIError;
    expect(apiError.status).toBe(status);
    expect(apiError.type).toBe(type);
    expect((apiError.error as { request_id?: string }).request_id).toBe('req_1');
  });

  it('gets a 400 invalid_request_error naming the field when the body is invalid', async () => {
    const failure = await client.messages
      .create({ model: 'coding', max_tokens: 0, messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as APIError).type).toBe('invalid_request_error');
    expect((failure as APIError).apiMessage).toBe('Invalid request: max_tokens must be greater than 0');
  });
});
