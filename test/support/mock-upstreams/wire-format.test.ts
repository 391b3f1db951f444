import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidScriptError } from './anthropic-format.js';
import { estimateInputTokens, renderBody, renderStream, splitForWrites, type ScriptedTurn } from './index.js';
import { sseData } from './test-http.js';

const OPENAI_BODY = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true };
const ANTHROPIC_BODY = { ...OPENAI_BODY, model: 'claude-test', max_tokens: 10 };

type Json = Record<string, unknown>;

function openaiDeltas(turn: ScriptedTurn): Json[] {
  return renderStream('openai', turn, OPENAI_BODY)
   .map((event) => sseData(event)[0] ?? '')
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as { choices: Array<{ delta: Json }> })
    .map((chunk) => chunk.choices[0]?.delta ?? {});
}

function anthropicDeltas(turn: ScriptedTurn): Json[] {
  return renderStream('anthropic', turn, ANTHROPIC_BODY)
   .map((event) => JSON.parse(sseData(event)[0] ?? '') as { type: string; delta?: Json })
    .flatMap((event) => (event.type === 'content_block_delta' && event.delta !== undefined ? [event.delta] : []));
}

describe('splitForWrites', () => {
  const events = fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 });

  test('every mode preserves the bytes exactly', () => {
    const mode = fc.oneof(fc.constantFrom('event' as const, 'random' as const), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(events, mode, fc.integer(), (list, split, seed) => {
        const pieces = splitForWrites(list, split, seed);
        expect(Buffer.concat(pieces).equals(Buffer.from(list.join(''), 'utf8'))).toBe(true);
        expect(pieces.every((piece) => piece.length > 0)).toBe(true);
      }),
    );
  });

  test('a number cuts every N bytes, random cuts at seeded offsets of 1 to 24 bytes', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 1, max: 16 }), fc.integer(), (list, size, seed) => {
        expect(splitForWrites(list, size).slice(0, -1).every((piece) => piece.length === size)).toBe(true);
        const random = splitForWrites(list, 'random', seed);
        expect(random.every((piece) => piece.length >= 1 && piece.length <= 24)).toBe(true);
        expect(splitForWrites(list, 'random', seed)).toEqual(random);
      }),
    );
  });

  test("'event' writes one piece per event and cuts through UTF-8 sequences only in byte modes", () => {
    expect(splitForWrites(['data: a\n\n', '', 'data: b\n\n']).map(String)).toEqual(['data: a\n\n', 'data: b\n\n']);
    const euro = splitForWrites(['€'], 1);
    expect(euro.map((piece) => [...piece])).toEqual([[0xe2], [0x82], [0xac]]);
  });
});

describe('fragments reassemble for any text and fragment size', () => {
  const text = fc.string({ unit: 'grapheme', minLength: 1 });
  const size = fc.integer({ min: 1, max: 12 });

  test('openai content, reasoning and tool arguments', () => {
    fc.assert(
      fc.property(text, text, text, size, (content, reasoning, args, fragmentChars) => {
        const toolCalls = [{ name: 't', arguments: args }];
        const deltas = openaiDeltas({ text: content, reasoning, toolCalls, fragmentChars });
        const joined = (key: string): string =>
          deltas.map((delta) => (delta[key] as string | undefined) ?? '').join('');
        expect(joined('content')).toBe(content);
        expect(joined('reasoning_content')).toBe(reasoning);
        type CallDelta = { function: { arguments: string } };
        const fragments = deltas.flatMap((delta) => (delta['tool_calls'] as CallDelta[] | undefined) ?? []);
        expect(fragments.map((call) => call.function.arguments).join('')).toBe(args);
      }),
    );
  });

  test('anthropic text, thinking and input_json', () => {
    fc.assert(
      fc.property(text, text, text, size, (content, reasoning, args, fragmentChars) => {
        const toolCalls = [{ name: 't', arguments: args }];
        const deltas = anthropicDeltas({ text: content, reasoning, toolCalls, fragmentChars });
        const joined = (type: string, key: string): string =>
          deltas.filter((delta) => delta['type'] === type).map((delta) => delta[key] as string).join('');
        expect(joined('text_delta', 'text')).toBe(content);
        expect(joined('thinking_delta', 'thinking')).toBe(reasoning);
        expect(joined('input_json_delta', 'partial_json')).toBe(args);
      }),
    );
  });

  test('pieces never split a surrogate pair', () => {
    const deltas = openaiDeltas({ text: '🌍🌧️ab', fragmentChars: 1 });
    expect(deltas.map((delta) => delta['content']).filter(Boolean)).toEqual(['🌍', '🌧', '\uFE0F', 'a', 'b']);
  });
});

describe('byte-level framing', () => {
  test('openai events are data-only lines, ending with data: [DONE]', () => {
    const streamEvents = renderStream('openai', { text: 'hi' }, OPENAI_BODY);
    expect(streamEvents.at(-1)).toBe('data: [DONE]\n\n');
    for (const event of streamEvents.slice(0, -1)) {
      expect(event).toMatch(/^data: \{.*\}\n\n$/s);
      expect(event.split('\n')).toHaveLength(3);
    }
  });

  test('anthropic events name their type, and the ping follows the first content_block_start verbatim', () => {
    const streamEvents = renderStream('anthropic', { text: 'hi' }, ANTHROPIC_BODY);
    for (const event of streamEvents) {
      const [eventLine, dataLine] = event.split('\n');
      const data = JSON.parse(dataLine?.slice('data: '.length) ?? '') as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
    }
    expect(streamEvents[1]?.startsWith('event: content_block_start\n')).toBe(true);
    expect(streamEvents[2]).toBe('event: ping\ndata: {"type": "ping"}\n\n');
  });

  test('openai usage counts cache reads and writes inside prompt_tokens', () => {
    const usage = { input: 10, output: 2, cacheRead: 5, cacheWrite: 3 };
    const body = renderBody('openai', { text: 'x', usage }, OPENAI_BODY);
    expect(body['usage']).toMatchObject({
      prompt_tokens: 18,
      total_tokens: 20,
      prompt_tokens_details: { cached_tokens: 5, audio_tokens: 0, cache_write_tokens: 3 },
    });
  });

  test('default usage: input from the request estimate, output from generated characters / 4', () => {
    const body = renderBody('anthropic', { text: 'x'.repeat(9) }, ANTHROPIC_BODY);
    expect(body['usage']).toMatchObject({ input_tokens: estimateInputTokens(ANTHROPIC_BODY), output_tokens: 3 });
    const json = JSON.stringify({ messages: ANTHROPIC_BODY.messages });
    expect(estimateInputTokens(ANTHROPIC_BODY)).toBe(Math.ceil(json.length / 4));
  });

  test('ids are numbered by sequence and overridable', () => {
    const toolCalls = [{ name: 'a', arguments: '{}' }, { id: 'call_x', name: 'b', arguments: '{}' }];
    const turn: ScriptedTurn = { toolCalls };
    const body = renderBody('openai', turn, OPENAI_BODY, { sequence: 4, nowMs: 1_700_000_000_500 });
    expect(body).toMatchObject({ id: 'chatcmpl-mock4', created: 1_700_000_000 });
    const calls = (body['choices'] as Array<{ message: { tool_calls: Array<{ id: string }> } }>)[0]?.message.tool_calls;
    expect(calls?.map((call) => call.id)).toEqual(['call_mock4_0', 'call_x']);
  });

  test('a non-streaming anthropic tool call with invalid JSON arguments is a script error', () => {
    const turn: ScriptedTurn = { toolCalls: [{ name: 't', arguments: '{"a":' }] };
    expect(() => renderBody('anthropic', turn, ANTHROPIC_BODY)).toThrow(InvalidScriptError);
  });
});
