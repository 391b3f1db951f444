import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../canonical/chat-result.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { decodeResult, encodeResult } from './result.js';
import { canonicalRequest } from './test-support/canonical-request.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

const wireUsage = {
  prompt_tokens: 50,
  completion_tokens: 12,
  total_tokens: 62,
  prompt_tokens_details: { cached_tokens: 30, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 4, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

function rejection(body: unknown): GatewayError {
  try {
    decodeResult(body, scriptedDeps());
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected decodeResult to reject');
}

describe('decodeResult', () => {
  it('reads reasoning, text, tool calls, finish reason and usage', () => {
    const result = decodeResult(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'deepseek-chat',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Looking it up.',
              reasoning_content: 'User wants weather.',
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: wireUsage,
        timings: { predicted_ms: 3 },
      },
      scriptedDeps(),
    );
    expect(result).toEqual({
      id: 'chatcmpl-1',
      model: 'deepseek-chat',
      content: [
        { type: 'reasoning', text: 'User wants weather.' },
        { type: 'text', text: 'Looking it up.' },
        { type: 'tool-call', callId: 'call_1', name: 'weather', argumentsJson: '{"city":"Oslo"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: { inputTokens: 20, outputTokens: 12, cacheReadTokens: 30, cacheWriteTokens: 0, reasoningTokens: 4 },
    });
  });

  it('corrects stop to tool-calls, tolerates null content and missing usage', () => {
    const result = decodeResult(
      { id: 'x', model: 'llama', choices: [{ message: { content: null, tool_calls: [{ function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'stop' }] },
      scriptedDeps(),
    );
    expect(result.content).toEqual([{ type: 'tool-call', callId: 'call_1', name: 'f', argumentsJson: '{}' }]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'stop' });
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  });

  it.each([null, 'text', {}, { choices: [] }, { choices: [{ finish_reason: 'stop' }] }, { choices: [{ message: { content: 5 } }] }])(
    'throws upstream_error for malformed body %j',
    (body) => {
      expect(rejection(body).code).toBe('upstream_error');
    },
  );

  it('throws the upstream error carried in a 200 body', () => {
    const error = rejection({ error: { message: 'Too many requests', type: 'requests', code: 'rate_limit_exceeded' } });
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('Too many requests');
  });
});

describe('encodeResult', () => {
  const result: ChatResult = {
    id: 'msg_1',
    model: 'claude-sonnet',
    content: [
      { type: 'reasoning', text: 'Think', signature: 's' },
      { type: 'text', text: 'Part one. ' },
      { type: 'tool-call', callId: 'toolu_1', name: 'run', argumentsJson: '{"cmd":"ls"}' },
      { type: 'text', text: 'Part two.' },
    ],
    finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    usage: { inputTokens: 5, outputTokens: 7, cacheReadTokens: 10, cacheWriteTokens: 3, reasoningTokens: 2 },
  };

  it('writes the full chat.completion shape', () => {
    expect(encodeResult(result, canonicalRequest({ model: 'auto' }), scriptedDeps(1_760_000_000))).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'claude-sonnet',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Part one. Part two.',
            refusal: null,
            annotations: [],
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'run', arguments: '{"cmd":"ls"}' } }],
            reasoning_content: 'Think',
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 18,
        completion_tokens: 7,
        total_tokens: 25,
        prompt_tokens_details: { cached_tokens: 10, audio_tokens: 0, cache_write_tokens: 3 },
        completion_tokens_details: { reasoning_tokens: 2, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      system_fingerprint: null,
    });
  });

  it('writes null content and omits tool_calls and reasoning_content when absent; fills id and model', () => {
    const body = encodeResult(
      { id: '', model: '', content: [], finishReason: { unified: 'length' }, usage: result.usage },
      canonicalRequest({ model: 'auto' }),
      scriptedDeps(),
    );
    expect(body.id).toBe('chatcmpl-1');
    expect(body.model).toBe('auto');
    expect(body.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'length' },
    ]);
  });
});
