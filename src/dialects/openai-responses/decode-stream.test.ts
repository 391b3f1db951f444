import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { ResultCollector } from '../../canonical/collect-result.js';
import { scriptedDeps } from '../openai-chat/test-support/scripted-deps.js';
import { SseParser } from '../sse/sse-parser.js';
import { createStreamDecoder } from './decode-stream.js';
import { ERROR_EVENT, FAILED, INCOMPLETE_MAX_TOKENS, PARALLEL_FUNCTION_CALLS, TEXT_WITH_REASONING } from './test-support/recorded-streams.js';

/** Feeds the bytes cut at the given offsets through the real SSE parser and the decoder. */
function decode(text: string, cuts: number[] = []): ChatEvent[] {
  const bytes = Buffer.from(text);
  const parser = new SseParser();
  const decoder = createStreamDecoder(scriptedDeps());
  const events: ChatEvent[] = [];
  let start = 0;
  for (const cut of [...cuts.map((value) => value % (bytes.length + 1))].sort((a, b) => a - b)) {
    for (const block of parser.push(bytes.subarray(start, cut))) if (block.event) events.push(...decoder.push(block.event));
    start = cut;
  }
  for (const block of [...parser.push(bytes.subarray(start)), ...parser.end()]) if (block.event) events.push(...decoder.push(block.event));
  events.push(...decoder.end());
  return events;
}

function collect(events: ChatEvent[]) {
  const collector = new ResultCollector();
  for (const event of events) collector.push(event);
  return collector.result();
}

describe('Responses stream decoder on recorded streams', () => {
  it('text with a two-part reasoning summary: blocks in order, the encrypted state as signature, cached usage split out', () => {
    const events = decode(TEXT_WITH_REASONING);
    expect(events.map((event) => event.type)).toEqual([
      'response-start', 'reasoning-start', 'reasoning-delta', 'reasoning-delta', 'reasoning-delta', 'reasoning-delta', 'reasoning-end',
      'text-start', 'text-delta', 'text-delta', 'text-end', 'usage', 'response-end',
    ]);
    const result = collect(events);
    expect(result).toEqual({
      id: 'resp_rec1',
      model: 'gpt-5-2025-08-07',
      content: [
        { type: 'reasoning', text: '**Counting** the letters.\n\nThree.', signature: 'gAAAAB-enc' },
        { type: 'text', text: 'There are 3 r’s — ✓' },
      ],
      finishReason: { unified: 'stop', raw: 'completed' },
      usage: { inputTokens: 40, outputTokens: 40, cacheReadTokens: 12, cacheWriteTokens: 0, reasoningTokens: 16 },
    });
  });

  it('parallel function calls: arguments from deltas, or from .done when none came; namespaces joined into the name', () => {
    const result = collect(decode(PARALLEL_FUNCTION_CALLS));
    expect(result.content).toEqual([
      { type: 'tool-call', callId: 'call_W1', name: 'get_weather', argumentsJson: '{"location":"Paris, France","unit":"celsius"}' },
      { type: 'tool-call', callId: 'call_T2', name: 'clock__get_time', argumentsJson: '{"tz":"Europe/Paris"}' },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'completed' });
  });

  it('the same events for every way of cutting the bytes (UTF-8 sequences and JSON split across reads)', () => {
    const whole = decode(TEXT_WITH_REASONING);
    const calls = decode(PARALLEL_FUNCTION_CALLS);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        expect(decode(TEXT_WITH_REASONING, cuts)).toEqual(whole);
        expect(decode(PARALLEL_FUNCTION_CALLS, cuts)).toEqual(calls);
      }),
      { numRuns: 200 },
    );
  });

  it('incomplete at max_output_tokens is a length finish with the partial text', () => {
    const result = collect(decode(INCOMPLETE_MAX_TOKENS));
    expect(result.content).toEqual([{ type: 'text', text: 'Once upon a' }]);
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'max_output_tokens' });
    expect(result.usage.outputTokens).toBe(3);
  });

  it('a failed response and an error event end in one error, classified; a cut stream is a failure too', () => {
    const failed = decode(FAILED);
    expect(failed.at(-1)).toMatchObject({ type: 'error', error: { code: 'rate_limited', message: 'Rate limit reached for gpt-5.' } });
    expect(failed.filter((event) => event.type === 'error')).toHaveLength(1);
    expect(decode(ERROR_EVENT).at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error', message: 'The server had an error while processing your request.' } });
    const cut = decode(TEXT_WITH_REASONING.slice(0, TEXT_WITH_REASONING.indexOf('event: response.completed')));
    expect(cut.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error', message: 'upstream stream ended before response.completed' } });
    expect(cut.some((event) => event.type === 'response-end')).toBe(false);
  });
});
