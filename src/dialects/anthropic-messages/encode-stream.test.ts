import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent, FinishReason } from '../../canonical/chat-event.js';
import type { ChatRequest } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { createAnthropicStreamEncoder, genericDeltaFrame, initialEncodeState, stepEncode } from './encode-stream.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

const request = { model: 'coding' } as ChatRequest;

function encode(events: ChatEvent[]): string {
  const encoder = createAnthropicStreamEncoder(request, scriptedDeps());
  return events.map((event) => encoder.push(event)).join('');
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const zeroUsage = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };

function messageStart(id: string, model: string, usage = zeroUsage): string {
  return (
    frame('message_start', {
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage },
    }) + frame('ping', { type: 'ping' })
  );
}

describe('Anthropic stream encoder: exact frames', () => {
  it('writes a text answer', () => {
    const output = encode([
      { type: 'response-start', id: 'msg_abc', model: 'qwen3-coder' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: ', world' },
      { type: 'text-end', index: 0 },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 3, cacheReadTokens: 4, cacheWriteTokens: 2 } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
    expect(output).toBe(
      messageStart('msg_abc', 'qwen3-coder') +
        frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ', world' } }) +
        frame('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: 3, input_tokens: 10, cache_creation_input_tokens: 2, cache_read_input_tokens: 4 },
        }) +
        frame('message_stop', { type: 'message_stop' }),
    );
  });

  it('writes a tool call after text, renumbering sparse canonical indices and skipping empty fragments', () => {
    const output = encode([
      { type: 'response-start', id: 'msg_t', model: 'm' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Let me check.' },
      { type: 'text-end', index: 0 },
      { type: 'tool-call-start', index: 5, callId: 'call_9', name: 'get_weather' },
      { type: 'tool-call-delta', index: 5, argumentsJson: '' },
      { type: 'tool-call-delta', index: 5, argumentsJson: '{"city":' },
      { type: 'tool-call-delta', index: 5, argumentsJson: '"Paris"}' },
      { type: 'tool-call-end', index: 5 },
      { type: 'usage', usage: { inputTokens: 50, outputTokens: 20 } },
      // Several OpenAI-compatible servers end a tool call with finish_reason "stop" (9router#354).
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
    expect(output).toBe(
      messageStart('msg_t', 'm') +
        frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me check.' } }) +
        frame('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        frame('content_block_start', {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'call_9', name: 'get_weather', input: {} },
        }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } }) +
        frame('content_block_stop', { type: 'content_block_stop', index: 1 }) +
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { output_tokens: 20, input_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        }) +
        frame('message_stop', { type: 'message_stop' }),
    );
  });

  it('writes thinking with its signature, redacted thinking, and thinking tokens', () => {
    const output = encode([
      { type: 'response-start', id: 'msg_r', model: 'm' },
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'Hmm.' },
      { type: 'reasoning-end', index: 0, signature: 'sig-xyz' },
      { type: 'reasoning-start', index: 1, redactedData: 'EmwK' },
      { type: 'reasoning-end', index: 1 },
      { type: 'reasoning-start', index: 2 },
      { type: 'reasoning-delta', index: 2, text: 'unsigned' },
      { type: 'reasoning-end', index: 2 },
      { type: 'usage', usage: { outputTokens: 30, reasoningTokens: 25 } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
    ]);
    expect(output).toBe(
      messageStart('msg_r', 'm') +
        frame('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-xyz' } }) +
        frame('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        frame('content_block_start', {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'redacted_thinking', data: 'EmwK' },
        }) +
        frame('content_block_stop', { type: 'content_block_stop', index: 1 }) +
        frame('content_block_start', {
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }) +
        frame('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'unsigned' } }) +
        frame('content_block_stop', { type: 'content_block_stop', index: 2 }) +
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: {
            output_tokens: 30,
            input_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens_details: { thinking_tokens: 25 },
          },
        }) +
        frame('message_stop', { type: 'message_stop' }),
    );
  });

  it('ends with the error frame after a mid-stream failure: no block stop, no message_stop', () => {
    const encoder = createAnthropicStreamEncoder(request, scriptedDeps());
    const before = [
      { type: 'response-start', id: 'msg_e', model: 'm' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'partial' },
    ] satisfies ChatEvent[];
    before.forEach((event) => encoder.push(event));
    const error = encoder.push({ type: 'error', error: new GatewayError('overloaded', 'Upstream overloaded') });
    expect(error).toBe(frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Upstream overloaded' } }));
    expect(encoder.push({ type: 'text-end', index: 0 })).toBe('');
    expect(encoder.push({ type: 'response-end', finishReason: { unified: 'stop' } })).toBe('');
  });

  it('synthesizes message_start when the first event is not response-start, folding in early usage', () => {
    const encoder = createAnthropicStreamEncoder(request, scriptedDeps());
    expect(encoder.push({ type: 'usage', usage: { inputTokens: 7, cacheReadTokens: 3 } })).toBe('');
    const output = encoder.push({ type: 'text-start', index: 0 });
    expect(output).toBe(
      messageStart('msg_1', 'coding', { ...zeroUsage, input_tokens: 7, cache_read_input_tokens: 3 }) +
        frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    );
    expect(encoder.push({ type: 'response-start', id: 'msg_late', model: 'x' })).toBe('');
  });

  it('writes an out-of-band event under its own name, after message_start and never after message_stop', () => {
    const encoder = createAnthropicStreamEncoder(request, scriptedDeps());
    expect(encoder.extension('agent_step', { type: 'model', step: 1 })).toBe(
      messageStart('msg_1', 'coding') + frame('agent_step', { type: 'agent_step', auxot_agent_step: { type: 'model', step: 1 } }),
    );
    expect(encoder.push({ type: 'response-start', id: 'msg_late', model: 'x' })).toBe('');
    encoder.push({ type: 'response-end', finishReason: { unified: 'stop' } });
    expect(encoder.extension('agent_step', { step: 2 })).toBe('');
  });

  it('synthesizes message_start before an error that comes first', () => {
    const output = encode([{ type: 'error', error: new GatewayError('no_capacity', 'No capacity') }]);
    expect(output).toBe(
      messageStart('msg_1', 'coding') + frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'No capacity' } }),
    );
  });

  it('closes blocks still open at response-end, in wire order', () => {
    const output = encode([
      { type: 'response-start', id: 'msg_o', model: 'm' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'cut' },
      { type: 'response-end', finishReason: { unified: 'length', raw: 'length' } },
    ]);
    expect(output.endsWith(
      frame('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'max_tokens', stop_sequence: null },
          usage: { output_tokens: 0, input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        }) +
        frame('message_stop', { type: 'message_stop' }),
    )).toBe(true);
  });
});

describe('Anthropic stream encoder: stop reasons', () => {
  function stopOf(finishReason: FinishReason, options: { stopSequence?: string; toolUse?: boolean } = {}): unknown {
    const events: ChatEvent[] = [{ type: 'response-start', id: 'msg', model: 'm' }];
    if (options.toolUse === true) {
      events.push({ type: 'tool-call-start', index: 0, callId: 'call_1', name: 'f' }, { type: 'tool-call-end', index: 0 });
    }
    events.push({ type: 'response-end', finishReason, ...(options.stopSequence === undefined ? {} : { stopSequence: options.stopSequence }) });
    const output = encode(events);
    const delta = output.split('\n\n').find((block) => block.startsWith('event: message_delta'));
    return (JSON.parse(delta?.split('data: ')[1] ?? '{}') as { delta: unknown }).delta;
  }

  it.each([
    [{ unified: 'stop', raw: 'stop' }, {}, { stop_reason: 'end_turn', stop_sequence: null }],
    [{ unified: 'stop', raw: 'stop' }, { stopSequence: 'END' }, { stop_reason: 'stop_sequence', stop_sequence: 'END' }],
    [{ unified: 'length', raw: 'length' }, {}, { stop_reason: 'max_tokens', stop_sequence: null }],
    [{ unified: 'tool-calls', raw: 'tool_calls' }, { toolUse: true }, { stop_reason: 'tool_use', stop_sequence: null }],
    [{ unified: 'content-filter', raw: 'content_filter' }, {}, { stop_reason: 'refusal', stop_sequence: null }],
    [{ unified: 'error' }, {}, { stop_reason: 'end_turn', stop_sequence: null }],
    [{ unified: 'other' }, {}, { stop_reason: 'end_turn', stop_sequence: null }],
    [{ unified: 'stop', raw: 'stop' }, { toolUse: true }, { stop_reason: 'tool_use', stop_sequence: null }],
    [{ unified: 'other' }, { toolUse: true }, { stop_reason: 'tool_use', stop_sequence: null }],
    [{ unified: 'length', raw: 'length' }, { toolUse: true }, { stop_reason: 'max_tokens', stop_sequence: null }],
    [{ unified: 'other', raw: 'pause_turn' }, {}, { stop_reason: 'pause_turn', stop_sequence: null }],
    [{ unified: 'length', raw: 'model_context_window_exceeded' }, {}, { stop_reason: 'model_context_window_exceeded', stop_sequence: null }],
    [{ unified: 'stop', raw: 'stop_sequence' }, { stopSequence: '##' }, { stop_reason: 'stop_sequence', stop_sequence: '##' }],
  ] as Array<[FinishReason, { stopSequence?: string; toolUse?: boolean }, unknown]>)(
    'maps %j with %j to %j',
    (finishReason, options, expected) => {
      expect(stopOf(finishReason, options)).toEqual(expected);
    },
  );
});

describe('stepEncode', () => {
  it('is pure: the input state is never modified', () => {
    const events: ChatEvent[] = [
      { type: 'response-start', id: 'msg', model: 'm' },
      { type: 'tool-call-start', index: 0, callId: 'c', name: 'f' },
      { type: 'usage', usage: { outputTokens: 4 } },
      { type: 'tool-call-end', index: 0 },
      { type: 'response-end', finishReason: { unified: 'tool-calls' } },
    ];
    let state = initialEncodeState;
    for (const event of events) {
      const before = structuredClone({ ...state, blocks: [...state.blocks] });
      const step = stepEncode(state, event);
      expect({ ...state, blocks: [...state.blocks] }).toEqual(before);
      state = step.state;
    }
    expect(state).toMatchObject({ phase: 'done', hasToolUse: true, nextWireIndex: 1, usage: { outputTokens: 4 } });
    expect(initialEncodeState).toMatchObject({ phase: 'before-start', hasToolUse: false, nextWireIndex: 0 });
  });
});

describe('Anthropic stream encoder: the delta template', () => {
  it('writes exactly the bytes the generic frame would, for any text and every delta kind', () => {
    const kinds = [
      { start: { type: 'text-start', index: 0 }, delta: (text: string) => ({ type: 'text-delta', index: 0, text }), wire: ['text_delta', 'text'] },
      { start: { type: 'reasoning-start', index: 0 }, delta: (text: string) => ({ type: 'reasoning-delta', index: 0, text }), wire: ['thinking_delta', 'thinking'] },
      { start: { type: 'tool-call-start', index: 0, callId: 'call_1', name: 'f' }, delta: (text: string) => ({ type: 'tool-call-delta', index: 0, argumentsJson: text }), wire: ['input_json_delta', 'partial_json'] },
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string({ unit: 'binary', minLength: 1 }), (kind, text) => {
        const started = stepEncode(stepEncode(initialEncodeState, { type: 'response-start', id: 'msg_1', model: 'm' }).state, kind.start).state;
        expect(stepEncode(started, kind.delta(text) as ChatEvent).output).toBe(genericDeltaFrame(0, kind.wire[0], kind.wire[1], text));
      }),
      { numRuns: 500 },
    );
  });
});
