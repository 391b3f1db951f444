import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { initialGenerationState, stepGeneration, type GenerationInput } from './generation-events.js';

function run(inputs: GenerationInput[]): ChatEvent[] {
  let state = initialGenerationState;
  const events: ChatEvent[] = [];
  for (const input of inputs) {
    const step = stepGeneration(state, input);
    state = step.state;
    events.push(...step.output);
  }
  return events;
}

const usage = { inputTokens: 7, outputTokens: 3, cacheReadTokens: 0 };

describe('stepGeneration', () => {
  test('text answer: start, one text block, usage, finish', () => {
    expect(
      run([
        { type: 'start', id: 'chatcmpl-1', model: 'tiny' },
        { type: 'text', text: 'Hel' },
        { type: 'text', text: '' },
        { type: 'text', text: 'lo' },
        { type: 'finish', stopReason: 'eogToken', usage },
      ]),
    ).toEqual([
      { type: 'response-start', id: 'chatcmpl-1', model: 'tiny' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hel' },
      { type: 'text-delta', index: 0, text: 'lo' },
      { type: 'text-end', index: 0 },
      { type: 'usage', usage },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'eogToken' } },
    ]);
  });

  test('reasoning, text and tool calls get their own blocks in order', () => {
    expect(
      run([
        { type: 'reasoning', text: 'think' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call-start', callId: 'call_1', name: 'a' },
        { type: 'tool-call-arguments', json: '{"x":' },
        { type: 'tool-call-arguments', json: '1}' },
        { type: 'tool-call-end' },
        { type: 'tool-call-start', callId: 'call_2', name: 'b' },
        { type: 'tool-call-arguments', json: '{}' },
        { type: 'finish', stopReason: 'functionCalls', usage },
      ]),
    ).toEqual([
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'think' },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Checking.' },
      { type: 'text-end', index: 1 },
      { type: 'tool-call-start', index: 2, callId: 'call_1', name: 'a' },
      { type: 'tool-call-delta', index: 2, argumentsJson: '{"x":' },
      { type: 'tool-call-delta', index: 2, argumentsJson: '1}' },
      { type: 'tool-call-end', index: 2 },
      { type: 'tool-call-start', index: 3, callId: 'call_2', name: 'b' },
      { type: 'tool-call-delta', index: 3, argumentsJson: '{}' },
      { type: 'tool-call-end', index: 3 },
      { type: 'usage', usage },
      { type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'functionCalls' } },
    ]);
  });

  test('a grammar stop after a forced tool call is a tool-calls finish', () => {
    const events = run([
      { type: 'tool-call-start', callId: 'call_1', name: 'a' },
      { type: 'tool-call-arguments', json: '{}' },
      { type: 'finish', stopReason: 'stopGenerationTrigger', usage },
    ]);
    expect(events.at(-1)).toEqual({ type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'stopGenerationTrigger' } });
  });

  test('running out of tokens is a length finish, even inside a tool call', () => {
    const events = run([
      { type: 'tool-call-start', callId: 'call_1', name: 'a' },
      { type: 'tool-call-arguments', json: '{"x": "ab' },
      { type: 'finish', stopReason: 'maxTokens', usage },
    ]);
    expect(events.slice(-3)).toEqual([
      { type: 'tool-call-end', index: 0 },
      { type: 'usage', usage },
      { type: 'response-end', finishReason: { unified: 'length', raw: 'maxTokens' } },
    ]);
  });

  test('a stop sequence is reported with the finish', () => {
    const events = run([
      { type: 'text', text: 'a' },
      { type: 'finish', stopReason: 'customStopTrigger', stopSequence: 'END', usage },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'response-end',
      finishReason: { unified: 'stop', raw: 'customStopTrigger' },
      stopSequence: 'END',
    });
  });

  test('abort closes the open block and reports usage without a response-end; later input is ignored', () => {
    const events = run([
      { type: 'start', id: 'r', model: 'm' },
      { type: 'text', text: 'a' },
      { type: 'abort', usage },
      { type: 'text', text: 'b' },
      { type: 'finish', stopReason: 'eogToken', usage },
    ]);
    expect(events).toEqual([
      { type: 'response-start', id: 'r', model: 'm' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'a' },
      { type: 'text-end', index: 0 },
      { type: 'usage', usage },
    ]);
  });

  test('argument fragments with no open tool call are dropped', () => {
    expect(run([{ type: 'tool-call-arguments', json: '{}' }, { type: 'tool-call-end' }])).toEqual([]);
  });

  test('property: any input sequence yields blocks that run start → delta* → end with increasing indexes', () => {
    const input: fc.Arbitrary<GenerationInput> = fc.oneof(
      fc.record({ type: fc.constant('text' as const), text: fc.string({ maxLength: 3 }) }),
      fc.record({ type: fc.constant('reasoning' as const), text: fc.string({ maxLength: 3 }) }),
      fc.record({ type: fc.constant('tool-call-start' as const), callId: fc.constant('call_x'), name: fc.constant('t') }),
      fc.record({ type: fc.constant('tool-call-arguments' as const), json: fc.string({ maxLength: 3 }) }),
      fc.constant({ type: 'tool-call-end' as const }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 30 }), fc.boolean(), (inputs, aborted) => {
        const end: GenerationInput = aborted ? { type: 'abort', usage } : { type: 'finish', stopReason: 'eogToken', usage };
        const events = run([...inputs, end]);
        let open: number | undefined;
        let nextIndex = 0;
        for (const event of events) {
          if (event.type.endsWith('-start') && event.type !== 'response-start') {
            expect(open).toBeUndefined();
            expect('index' in event && event.index).toBe(nextIndex);
            open = nextIndex++;
          } else if (event.type.endsWith('-delta')) {
            expect('index' in event && event.index).toBe(open);
          } else if (event.type.endsWith('-end') && event.type !== 'response-end') {
            expect('index' in event && event.index).toBe(open);
            open = undefined;
          }
        }
        expect(open).toBeUndefined();
        const tail = events.slice(aborted ? -1 : -2).map((event) => event.type);
        expect(tail).toEqual(aborted ? ['usage'] : ['usage', 'response-end']);
      }),
    );
  });
});
