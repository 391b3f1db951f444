import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { SseParser } from '../sse/sse-parser.js';
import { createAnthropicStreamDecoder, endDecode, initialDecodeState, stepDecode } from './decode-stream.js';
import { serverToolStream, thinkingStream, toolUseStream } from './test-support/recorded-streams.js';
import { parseSseText, sseFrame } from './test-support/sse-text.js';

function decodeText(text: string): { events: ChatEvent[]; done: boolean } {
  const decoder = createAnthropicStreamDecoder();
  const events = parseSseText(text).flatMap((event) => decoder.push(event));
  events.push(...decoder.end());
  return { events, done: decoder.done };
}

/** Feeds the bytes through the SSE parser split at the given offsets, as a socket would deliver them. */
function decodeSplit(text: string, cuts: number[]): ChatEvent[] {
  const bytes = Buffer.from(text);
  const parser = new SseParser();
  const decoder = createAnthropicStreamDecoder();
  const events: ChatEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length].sort((a, b) => a - b)) {
    for (const block of parser.push(bytes.subarray(start, cut))) if (block.event) events.push(...decoder.push(block.event));
    start = cut;
  }
  for (const block of parser.end()) if (block.event) events.push(...decoder.push(block.event));
  events.push(...decoder.end());
  return events;
}

const start = sseFrame(
  'message_start',
  '{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}',
);
const textBlock = [
  sseFrame('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
  sseFrame('content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}'),
  sseFrame('content_block_stop', '{"type":"content_block_stop","index":0}'),
].join('');
function messageEnd(stopReason: string | null, stopSequence: string | null = null): string {
  return (
    sseFrame(
      'message_delta',
      JSON.stringify({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage: { output_tokens: 9 } }),
    ) + sseFrame('message_stop', '{"type":"message_stop"}')
  );
}

const toolUseEvents: ChatEvent[] = [
  { type: 'response-start', id: 'msg_01XYZ', model: 'claude-sonnet-4-5-20250929' },
  { type: 'usage', usage: { inputTokens: 12, cacheWriteTokens: 100, cacheReadTokens: 2000 } },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Checking the ' },
  { type: 'text-delta', index: 0, text: 'weather.' },
  { type: 'text-end', index: 0 },
  { type: 'tool-call-start', index: 1, callId: 'toolu_01A', name: 'get_weather' },
  { type: 'tool-call-delta', index: 1, argumentsJson: '{"loca' },
  { type: 'tool-call-delta', index: 1, argumentsJson: 'tion": "San Fra' },
  { type: 'tool-call-delta', index: 1, argumentsJson: 'ncisco, CA"}' },
  { type: 'tool-call-end', index: 1 },
  { type: 'usage', usage: { outputTokens: 57 } },
  { type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
];

describe('Anthropic stream decoder', () => {
  it('decodes a recorded tool-use stream with padded JSON, a ping and an empty first input_json_delta', () => {
    const { events, done } = decodeText(toolUseStream);
    expect(events).toEqual(toolUseEvents);
    expect(done).toBe(true);
  });

  it('yields the same events and the same tool arguments however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: Buffer.byteLength(toolUseStream) }), { maxLength: 20 }), (cuts) => {
        const events = decodeSplit(toolUseStream, cuts);
        expect(events).toEqual(toolUseEvents);
        const args = events.flatMap((event) => (event.type === 'tool-call-delta' ? [event.argumentsJson] : [])).join('');
        expect(JSON.parse(args)).toEqual({ location: 'San Francisco, CA' });
      }),
      { numRuns: 200 },
    );
  });

  it('skips server tool blocks with their deltas and keeps canonical indices dense', () => {
    expect(decodeText(serverToolStream).events).toEqual([
      { type: 'response-start', id: 'msg_02', model: 'claude-opus-4-1' },
      { type: 'usage', usage: { inputTokens: 5 } },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Searching.' },
      { type: 'text-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Found it.' },
      { type: 'text-end', index: 1 },
      { type: 'usage', usage: { inputTokens: 900, outputTokens: 40 } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
    ]);
  });

  it('decodes thinking with its signature, redacted thinking, and text already present at block start', () => {
    expect(decodeText(thinkingStream).events).toEqual([
      { type: 'response-start', id: 'msg_03', model: 'claude-sonnet-4-5' },
      { type: 'usage', usage: { inputTokens: 30 } },
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'Let me think' },
      { type: 'reasoning-delta', index: 0, text: ' step by step.' },
      { type: 'reasoning-end', index: 0, signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      { type: 'reasoning-start', index: 1, redactedData: 'EmwKAhgBEgy3va3pzix' },
      { type: 'reasoning-end', index: 1 },
      { type: 'text-start', index: 2 },
      { type: 'text-delta', index: 2, text: '42' },
      { type: 'text-end', index: 2 },
      { type: 'usage', usage: { outputTokens: 120, reasoningTokens: 90 } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
    ]);
  });

  it('falls back to the data type when a server omits event lines', () => {
    const text = [
      '{"type":"message_start","message":{"id":"msg_9","model":"m","usage":{"input_tokens":1,"cache_read_input_tokens":null}}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}',
      '{"type":"message_stop"}',
    ]
      .map((data) => `data: ${data}\n\n`)
      .join('');
    expect(decodeText(text).events).toEqual([
      { type: 'response-start', id: 'msg_9', model: 'm' },
      { type: 'usage', usage: { inputTokens: 1 } },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'ok' },
      { type: 'text-end', index: 0 },
      { type: 'usage', usage: { outputTokens: 2 } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } },
    ]);
  });

  it('emits the whole input of a tool_use block that starts with it, and closes blocks left open at message_stop', () => {
    const text =
      start +
      sseFrame(
        'content_block_start',
        '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_9","name":"f","input":{"a":1}}}',
      ) +
      messageEnd('tool_use');
    expect(decodeText(text).events.slice(2)).toEqual([
      { type: 'tool-call-start', index: 0, callId: 'toolu_9', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsJson: '{"a":1}' },
      { type: 'usage', usage: { outputTokens: 9 } },
      { type: 'tool-call-end', index: 0 },
      { type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
    ]);
  });

  it.each([
    ['end_turn', null, { finishReason: { unified: 'stop', raw: 'end_turn' } }],
    ['stop_sequence', '###', { finishReason: { unified: 'stop', raw: 'stop_sequence' }, stopSequence: '###' }],
    ['max_tokens', null, { finishReason: { unified: 'length', raw: 'max_tokens' } }],
    ['tool_use', null, { finishReason: { unified: 'tool-calls', raw: 'tool_use' } }],
    ['refusal', null, { finishReason: { unified: 'content-filter', raw: 'refusal' } }],
    ['pause_turn', null, { finishReason: { unified: 'other', raw: 'pause_turn' } }],
    ['model_context_window_exceeded', null, { finishReason: { unified: 'length', raw: 'model_context_window_exceeded' } }],
    ['something_new', null, { finishReason: { unified: 'other', raw: 'something_new' } }],
    [null, null, { finishReason: { unified: 'other' } }],
  ])('maps stop_reason %s', (stopReason, stopSequence, expected) => {
    const events = decodeText(start + textBlock + messageEnd(stopReason, stopSequence)).events;
    expect(events.at(-1)).toEqual({ type: 'response-end', ...expected });
  });

  it('reports cumulative usage from message_delta, input and cache included when present', () => {
    const delta = sseFrame(
      'message_delta',
      '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":80,"input_tokens":1500,"cache_read_input_tokens":700,"cache_creation_input_tokens":null}}',
    );
    const events = decodeText(start + delta + sseFrame('message_stop', '{"type":"message_stop"}')).events;
    expect(events).toContainEqual({ type: 'usage', usage: { outputTokens: 80, inputTokens: 1500, cacheReadTokens: 700 } });
  });

  it('ignores ping and unknown event types and keeps going', () => {
    const text =
      start +
      sseFrame('ping', '{"type": "ping"}') +
      sseFrame('ping', '') +
      sseFrame('content_block_annotation', '{"type":"content_block_annotation","index":0}') +
      textBlock +
      messageEnd('end_turn');
    const events = decodeText(text).events;
    expect(events.map((event) => event.type)).toEqual(['response-start', 'usage', 'text-start', 'text-delta', 'text-end', 'usage', 'response-end']);
  });

  it.each([
    ['overloaded_error', 'overloaded', true],
    ['rate_limit_error', 'rate_limited', true],
    ['invalid_request_error', 'invalid_request', false],
    ['authentication_error', 'upstream_error', true],
    ['permission_error', 'upstream_error', true],
    ['not_found_error', 'not_found', false],
    ['request_too_large', 'payload_too_large', false],
    ['timeout_error', 'upstream_timeout', true],
    ['api_error', 'upstream_error', true],
    ['billing_error', 'upstream_error', true],
  ])('turns an %s event into a %s error and stops', (wireType, code, retryable) => {
    const error = sseFrame('error', JSON.stringify({ type: 'error', error: { type: wireType, message: 'Overloaded' } }));
    const decoder = createAnthropicStreamDecoder();
    const events = parseSseText(start + error + textBlock + messageEnd('end_turn')).flatMap((event) => decoder.push(event));
    expect(events.slice(2)).toHaveLength(1);
    const last = events[2];
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.error.code).toBe(code);
    expect(last.error.message).toBe('Overloaded');
    expect(last.error.retryable).toBe(retryable);
    expect(decoder.done).toBe(true);
    expect(decoder.end()).toEqual([]);
  });

  it('reports a cut stream as an error, never as a success', () => {
    const { events, done } = decodeText(start + textBlock);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.error.code).toBe('upstream_error');
    expect(last.error.message).toBe('upstream stream ended before message_stop');
    expect(events.some((event) => event.type === 'response-end')).toBe(false);
    expect(done).toBe(true);
  });

  it.each([
    ['data that is not JSON', start + 'event: content_block_delta\ndata: {"type":"content_b\n\n', /data is not JSON/],
    ['data that is not an object', start + 'event: content_block_stop\ndata: 7\n\n', /not a JSON object/],
    ['content before message_start', textBlock, /content_block_start before message_start/],
    ['a second message_start', start + start, /second message_start/],
    [
      'a delta for a block that never started',
      start + sseFrame('content_block_delta', '{"type":"content_block_delta","index":4,"delta":{"type":"text_delta","text":"x"}}'),
      /block 4, which is not open/,
    ],
    [
      'a text_delta without text',
      start +
        sseFrame('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}') +
        sseFrame('content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}'),
      /content_block_delta\.delta\.text is required/,
    ],
    ['a message_start without id', sseFrame('message_start', '{"type":"message_start","message":{"model":"m"}}'), /message_start\.message\.id/],
  ])('turns %s into a malformed-event error', (_name, text, detail) => {
    const { events, done } = decodeText(text + textBlock + messageEnd('end_turn'));
    const errors = events.filter((event) => event.type === 'error');
    expect(errors).toHaveLength(1);
    expect(events.at(-1)).toBe(errors[0]);
    const error = errors[0]?.type === 'error' ? errors[0].error : undefined;
    expect(error?.code).toBe('upstream_error');
    expect(error?.message).toMatch(/^Malformed event from upstream: /);
    expect(error?.message).toMatch(detail);
    expect(done).toBe(true);
  });

  it('is a pure step function: the input state is never modified', () => {
    const events = parseSseText(toolUseStream);
    let state = initialDecodeState;
    const snapshots = [];
    for (const event of events) {
      const before = structuredClone({ ...state, blocks: [...state.blocks] });
      const step = stepDecode(state, event);
      expect({ ...state, blocks: [...state.blocks] }).toEqual(before);
      snapshots.push(step.events);
      state = step.state;
    }
    expect(snapshots.flat()).toEqual(toolUseEvents);
    expect(state.phase).toBe('done');
    expect(initialDecodeState.blocks.size).toBe(0);
  });
});

describe('Anthropic stream decoder: the learned text template', () => {
  /** The reference: the pure step function alone, no template. */
  const byStepsOnly = (text: string): ChatEvent[] => {
    let state = initialDecodeState;
    const events: ChatEvent[] = [];
    for (const event of parseSseText(text)) {
      const step = stepDecode(state, event);
      state = step.state;
      events.push(...step.events);
    }
    return [...events, ...endDecode(state).events];
  };
  const deltaFrame = (index: number, text: string, extra = ''): string =>
    sseFrame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}${extra}}}`);
  const blockStart = (index: number): string =>
    sseFrame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}`);
  const blockStop = (index: number): string => sseFrame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);

  it('reads the same events as the full decoder, for any texts over two text blocks, and past a block that closed', () => {
    const delta = fc.tuple(
      fc.constantFrom(0, 1),
      fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', 'a"b', '\n', 'plain words', '💡')),
      fc.constantFrom('', ',"extra":1'),
    );
    fc.assert(
      fc.property(fc.array(delta, { maxLength: 30 }), fc.boolean(), (deltas, closeFirst) => {
        let text = start + blockStart(0) + blockStart(1);
        for (const [index, value, extra] of deltas) text += deltaFrame(index, value, extra);
        if (closeFirst) text += blockStop(0) + deltaFrame(0, 'after the stop');
        text += messageEnd('end_turn');
        expect(decodeText(text).events).toEqual(byStepsOnly(text));
      }),
      { numRuns: 300 },
    );
  });
});
