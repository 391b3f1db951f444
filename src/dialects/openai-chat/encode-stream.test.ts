import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { createStreamEncoder, genericTextChunk, initialEncoderState, stepEncoder, type EncoderState } from './encode-stream.js';
import { canonicalRequest } from './test-support/canonical-request.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

function encode(events: ChatEvent[], includeUsage: boolean): string {
  const encoder = createStreamEncoder(canonicalRequest({ model: 'auto', stream: true, includeUsage }), scriptedDeps(1_750_000_000));
  return events.map((event) => encoder.push(event)).join('');
}

const head = '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1750000000,"model":"qwen3","system_fingerprint":null';
const frame = (delta: string, finish = 'null', usageNull = false) =>
  `data: ${head},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]${usageNull ? ',"usage":null' : ''}}\n\n`;

const textAnswer: ChatEvent[] = [
  { type: 'response-start', id: 'chatcmpl-9', model: 'qwen3' },
  { type: 'usage', usage: { inputTokens: 10, cacheReadTokens: 90 } },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Hello' },
  { type: 'text-delta', index: 0, text: ' world' },
  { type: 'text-end', index: 0 },
  { type: 'usage', usage: { outputTokens: 2 } },
  { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
];

describe('stream encoder', () => {
  it('writes the exact OpenAI frames for a text answer without include_usage', () => {
    expect(encode(textAnswer, false)).toBe(
      frame('{"role":"assistant","content":"","refusal":null}') +
        frame('{"content":"Hello"}') +
        frame('{"content":" world"}') +
        frame('{}', '"stop"') +
        'data: [DONE]\n\n',
    );
  });

  it('adds usage:null to every chunk and a final usage chunk with include_usage', () => {
    const usage =
      '{"prompt_tokens":100,"completion_tokens":2,"total_tokens":102,' +
      '"prompt_tokens_details":{"cached_tokens":90,"audio_tokens":0},' +
      '"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}';
    expect(encode(textAnswer, true)).toBe(
      frame('{"role":"assistant","content":"","refusal":null}', 'null', true) +
        frame('{"content":"Hello"}', 'null', true) +
        frame('{"content":" world"}', 'null', true) +
        frame('{}', '"stop"', true) +
        `data: ${head},"choices":[],"usage":${usage}}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('numbers tool calls from 0 independently of block indices, and reports tool_calls', () => {
    const output = encode(
      [
        { type: 'response-start', id: 'chatcmpl-9', model: 'qwen3' },
        { type: 'reasoning-start', index: 0 },
        { type: 'reasoning-delta', index: 0, text: 'Plan' },
        { type: 'reasoning-end', index: 0, signature: 'sig' },
        { type: 'text-start', index: 1 },
        { type: 'text-delta', index: 1, text: 'Calling.' },
        { type: 'text-end', index: 1 },
        { type: 'tool-call-start', index: 2, callId: 'toolu_a', name: 'read' },
        { type: 'tool-call-delta', index: 2, argumentsJson: '' },
        { type: 'tool-call-delta', index: 2, argumentsJson: '{"p":' },
        { type: 'tool-call-delta', index: 2, argumentsJson: '"x"}' },
        { type: 'tool-call-end', index: 2 },
        { type: 'tool-call-start', index: 3, callId: 'toolu_b', name: 'list' },
        { type: 'tool-call-delta', index: 3, argumentsJson: '{}' },
        { type: 'tool-call-end', index: 3 },
        { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
      ],
      false,
    );
    expect(output).toBe(
      frame('{"role":"assistant","content":"","refusal":null}') +
        frame('{"reasoning_content":"Plan"}') +
        frame('{"content":"Calling."}') +
        frame('{"tool_calls":[{"index":0,"id":"toolu_a","type":"function","function":{"name":"read","arguments":""}}]}') +
        frame('{"tool_calls":[{"index":0,"function":{"arguments":"{\\"p\\":"}}]}') +
        frame('{"tool_calls":[{"index":0,"function":{"arguments":"\\"x\\"}"}}]}') +
        frame('{"tool_calls":[{"index":1,"id":"toolu_b","type":"function","function":{"name":"list","arguments":""}}]}') +
        frame('{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}') +
        frame('{}', '"tool_calls"') +
        'data: [DONE]\n\n',
    );
  });

  it('writes the error frame mid-stream and nothing after it, never [DONE]', () => {
    const output = encode(
      [
        { type: 'response-start', id: 'chatcmpl-9', model: 'qwen3' },
        { type: 'text-start', index: 0 },
        { type: 'text-delta', index: 0, text: 'Par' },
        { type: 'error', error: new GatewayError('upstream_error', 'upstream connection reset') },
        { type: 'text-delta', index: 0, text: 'tial' },
        { type: 'response-end', finishReason: { unified: 'stop' } },
      ],
      true,
    );
    expect(output).toBe(
      frame('{"role":"assistant","content":"","refusal":null}', 'null', true) +
        frame('{"content":"Par"}', 'null', true) +
        'data: {"error":{"message":"upstream connection reset","type":"server_error","param":null,"code":"upstream_error"}}\n\n',
    );
    expect(output).not.toContain('[DONE]');
  });

  it('writes only the error frame when the error comes first', () => {
    expect(encode([{ type: 'error', error: new GatewayError('overloaded', 'busy') }], false)).toBe(
      'data: {"error":{"message":"busy","type":"server_error","param":null,"code":"overloaded"}}\n\n',
    );
  });

  it('synthesizes the id and uses the request model when the first event is not response-start', () => {
    const output = encode([{ type: 'text-delta', index: 0, text: 'x' }, { type: 'response-end', finishReason: { unified: 'length' } }], false);
    const chunks = output.split('\n\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)));
    expect(chunks.map((item) => [item.id, item.model, item.created])).toEqual([
      ['chatcmpl-1', 'auto', 1_750_000_000],
      ['chatcmpl-1', 'auto', 1_750_000_000],
      ['chatcmpl-1', 'auto', 1_750_000_000],
    ]);
    expect(chunks.map((item) => item.choices[0].finish_reason)).toEqual([null, null, 'length']);
  });

  it('writes an out-of-band event as a chunk with no choices, after the role chunk and never after [DONE]', () => {
    for (const includeUsage of [false, true]) {
      const encoder = createStreamEncoder(canonicalRequest({ model: 'auto', stream: true, includeUsage }), scriptedDeps(1_750_000_000));
      const opening = encoder.push(textAnswer[0] as ChatEvent);
      const step = encoder.extension('agent_step', { type: 'model', step: 1 });
      expect(opening).toBe(frame('{"role":"assistant","content":"","refusal":null}', 'null', includeUsage));
      expect(step).toBe(`data: ${head},"choices":[],"auxot_agent_step":{"type":"model","step":1}${includeUsage ? ',"usage":null' : ''}}\n\n`);
      for (const event of textAnswer.slice(1)) encoder.push(event);
      expect(encoder.extension('agent_step', { step: 2 })).toBe('');
    }
    const first = createStreamEncoder(canonicalRequest({ model: 'auto', stream: true, includeUsage: false }), scriptedDeps(1_750_000_000));
    const chunks = first.extension('agent_step', {}).split('\n\n').filter((line) => line !== '');
    expect(chunks.map((line) => (JSON.parse(line.slice(6)) as { choices: unknown[] }).choices.length)).toEqual([1, 0]);
  });

  it('step is pure and the state records the tool index map', () => {
    const start = initialEncoderState(canonicalRequest(), scriptedDeps());
    const first = stepEncoder(start, { type: 'response-start', id: 'x', model: 'm' });
    const second = stepEncoder(first.state, { type: 'tool-call-start', index: 4, callId: 'c', name: 'f' });
    expect(start.phase).toBe('idle');
    expect(first.state).toMatchObject({ phase: 'streaming', id: 'x', model: 'm', toolCallCount: 0, toolIndexByBlock: {} });
    expect(second.state).toMatchObject({ toolCallCount: 1, toolIndexByBlock: { 4: 0 } });
    const ended = stepEncoder(second.state, { type: 'response-end', finishReason: { unified: 'stop' } });
    expect(ended.state.phase).toBe('closed');
    expect(stepEncoder(ended.state, { type: 'text-delta', index: 0, text: 'late' }).output).toBe('');
  });
});

describe('stream encoder: the text delta template', () => {
  it('writes exactly the bytes the generic chunk would, for any text, id and model, with and without usage', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.boolean(), fc.constantFrom('content', 'reasoning_content'), (text, id, model, includeUsage, field) => {
        const state: EncoderState = { phase: 'streaming', id, model, created: 1_700_000_000, includeUsage, toolIndexByBlock: {}, toolCallCount: 0, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } };
        const event: ChatEvent = field === 'content' ? { type: 'text-delta', index: 0, text } : { type: 'reasoning-delta', index: 0, text };
        expect(stepEncoder(state, event).output).toBe(genericTextChunk(state, field, text));
      }),
      { numRuns: 500 },
    );
  });
});
