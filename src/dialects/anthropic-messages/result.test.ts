import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { decodeResult, encodeResult } from './result.js';
import { DOCUMENTED_MESSAGE } from './test-support/documented-message.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

const request = { model: 'coding' } as ChatRequest;

function thrown(body: unknown): GatewayError {
  try {
    decodeResult(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected decodeResult to throw');
}

describe('decodeResult', () => {
  it('reads a Messages response with every kept block type, skipping server-tool blocks', () => {
    const result = decodeResult(DOCUMENTED_MESSAGE);
    expect(result).toEqual({
      id: 'msg_01',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'reasoning', text: 'Plan.', signature: 'sig-1' },
        { type: 'reasoning', text: '', redactedData: 'EmwK' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool-call', callId: 'toolu_1', name: 'get_weather', argumentsJson: '{"city":"Oslo"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 10, outputTokens: 20, cacheWriteTokens: 3, cacheReadTokens: 0, reasoningTokens: 5 },
    });
  });

  it('keeps the matched stop sequence', () => {
    const result = decodeResult({
      id: 'msg_02',
      model: 'm',
      content: [{ type: 'text', text: 'a' }],
      stop_reason: 'stop_sequence',
      stop_sequence: '###',
      usage: { input_tokens: 1, output_tokens: 1 },
    });
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop_sequence' });
    expect(result.stopSequence).toBe('###');
  });

  it.each([
    ['not an object', 'oops', /^Malformed response from upstream: /],
    ['no content', { id: 'msg', model: 'm', usage: {} }, /content is required/],
    ['no usage', { id: 'msg', model: 'm', content: [] }, /usage is required/],
    ['a text block without text', { id: 'msg', model: 'm', content: [{ type: 'text' }], usage: {} }, /content\.0\.text is required/],
    [
      'a tool_use whose input is a string',
      { id: 'msg', model: 'm', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{}' }], usage: {} },
      /content\.0\.input must be an object/,
    ],
  ])('throws upstream_error for %s', (_name, body, message) => {
    const error = thrown(body);
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(message);
    expect(error.param).toBeUndefined();
  });

  it('throws the classified error for an error body', () => {
    const error = thrown({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(error.code).toBe('overloaded');
    expect(error.message).toBe('Overloaded');
  });
});

describe('encodeResult', () => {
  const base: ChatResult = {
    id: 'msg_x',
    model: 'qwen3',
    content: [],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 5, outputTokens: 6, cacheReadTokens: 7, cacheWriteTokens: 8, reasoningTokens: 0 },
  };

  it('writes every block type, parsing tool arguments and falling back to {}', () => {
    const body = encodeResult(
      {
        ...base,
        content: [
          { type: 'reasoning', text: 'why', signature: 'sig' },
          { type: 'reasoning', text: 'unsigned' },
          { type: 'reasoning', text: '', redactedData: 'EmwK' },
          { type: 'text', text: '' },
          { type: 'text', text: 'Answer.' },
          { type: 'tool-call', callId: 'call_1', name: 'f', argumentsJson: '{"a":[1,2]}' },
          { type: 'tool-call', callId: 'call_2', name: 'g', argumentsJson: '{"a":' },
          { type: 'tool-call', callId: 'call_3', name: 'h', argumentsJson: '' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
      request,
      scriptedDeps(),
    );
    expect(body).toEqual({
      id: 'msg_x',
      type: 'message',
      role: 'assistant',
      model: 'qwen3',
      content: [
        { type: 'thinking', thinking: 'why', signature: 'sig' },
        { type: 'thinking', thinking: 'unsigned', signature: '' },
        { type: 'redacted_thinking', data: 'EmwK' },
        { type: 'text', text: 'Answer.' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: { a: [1, 2] } },
        { type: 'tool_use', id: 'call_2', name: 'g', input: {} },
        { type: 'tool_use', id: 'call_3', name: 'h', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 5, cache_creation_input_tokens: 8, cache_read_input_tokens: 7, output_tokens: 6 },
    });
  });

  it('writes stop_sequence, and falls back to a new id and the requested model when the stream had none', () => {
    const body = encodeResult({ ...base, id: '', model: '', stopSequence: 'END' }, request, scriptedDeps());
    expect(body).toMatchObject({ id: 'msg_1', model: 'coding', stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it('reports tool_use whenever a tool call is present, even when the upstream said stop', () => {
    const body = encodeResult({ ...base, content: [{ type: 'tool-call', callId: 'c', name: 'f', argumentsJson: '{}' }] }, request, scriptedDeps());
    expect(body.stop_reason).toBe('tool_use');
  });

  it('survives encode → decode with content, usage and finish reason intact', () => {
    const result: ChatResult = {
      ...base,
      content: [
        { type: 'reasoning', text: 'why', signature: 'sig' },
        { type: 'text', text: 'Answer.' },
        { type: 'tool-call', callId: 'call_1', name: 'f', argumentsJson: '{"a":1}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { ...base.usage, reasoningTokens: 4 },
    };
    expect(decodeResult(encodeResult(result, request, scriptedDeps()))).toEqual(result);
  });
});
