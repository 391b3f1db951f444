import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { InferenceEngine } from '../inference-engine.js';
import { chatRequest, eventTypes, findEvent, runJob, textOf, type TimedEvent } from './test-support/engine-jobs.js';
import { writeTinyModel, type TinyModel } from './test-support/tiny-engine.js';

// Real llama.cpp inference on the tiny random-weight GGUF, one CPU thread.
let model: TinyModel;
let engine: InferenceEngine;
let single: InferenceEngine;

beforeAll(async () => {
  model = writeTinyModel();
  engine = await model.createEngine(2);
  single = await model.createEngine(1);
});

afterAll(async () => model?.dispose());

describe('createLlamaEngine: streaming and slots', () => {
  test('reports its slots and model', () => {
    expect(engine.slots).toBe(2);
    expect(engine.models).toEqual(['tiny']);
  });

  test('streams text in contract order and stops at maxOutputTokens with finish length', async () => {
    const events = await runJob(engine, chatRequest({ maxOutputTokens: 24, temperature: 0 }));
    expect(eventTypes(events)).toMatch(/^response-start text-start( text-delta)+ text-end usage response-end$/);
    expect(events[0]?.event).toEqual({ type: 'response-start', id: expect.stringMatching(/^chatcmpl-\d+$/), model: 'tiny' });
    const indexes = events.flatMap(({ event }) => ('index' in event ? [event.index] : []));
    expect(new Set(indexes)).toEqual(new Set([0]));
    expect(textOf(events).length).toBeGreaterThan(0);
    const usage = findEvent(events, 'usage')?.usage;
    expect(usage?.outputTokens).toBe(24);
    expect((usage?.inputTokens ?? 0) + (usage?.cacheReadTokens ?? 0)).toBeGreaterThan(10);
    expect(findEvent(events, 'response-end')).toEqual({ type: 'response-end', finishReason: { unified: 'length', raw: 'maxTokens' } });
  });

  test('a repeated prompt reuses the KV cache of the sequence it last ran on and reports it as cache reads', async () => {
    const request = chatRequest({
      system: [{ type: 'text', text: 'You repeat yourself.' }],
      maxOutputTokens: 4,
      temperature: 0,
    });
    const first = findEvent(await runJob(single, request), 'usage')?.usage;
    const second = findEvent(await runJob(single, request), 'usage')?.usage;
    const total = (first?.inputTokens ?? 0) + (first?.cacheReadTokens ?? 0);
    expect((second?.inputTokens ?? 0) + (second?.cacheReadTokens ?? 0)).toBe(total);
    expect(second?.inputTokens).toBe(1);
    expect(second?.cacheReadTokens).toBe(total - 1);
  });

  test('two jobs run at the same time on two slots', async () => {
    const request = chatRequest({ maxOutputTokens: 200, temperature: 0 });
    const [a, b] = await Promise.all([runJob(engine, request), runJob(engine, request)]);
    const deltas = (events: TimedEvent[]): number[] =>
      events.filter(({ event }) => event.type === 'text-delta').map(({ atMs }) => atMs);
    const aTimes = deltas(a);
    const bTimes = deltas(b);
    const aFirst = Math.min(...aTimes);
    const aLast = Math.max(...aTimes);
    // Some of b's tokens arrive while a is still generating: the sequences are decoded together.
    expect(bTimes.filter((at) => at > aFirst && at < aLast).length).toBeGreaterThan(0);
    expect(findEvent(a, 'response-end')?.finishReason.unified).toBe('length');
    expect(findEvent(b, 'response-end')?.finishReason.unified).toBe('length');
  });

  test('a third job waits for a free slot', async () => {
    const request = chatRequest({ maxOutputTokens: 150, temperature: 0 });
    const third: TimedEvent[] = [];
    // For every token of the first two jobs: which job, and how many events the third had seen.
    const log: Array<{ job: 'a' | 'b'; thirdSeen: number }> = [];
    const logDelta = (job: 'a' | 'b') => (event: ChatEvent) => {
      if (event.type === 'text-delta') log.push({ job, thirdSeen: third.length });
    };
    const [a, b] = await Promise.all([
      runJob(engine, request, { onEvent: logDelta('a') }),
      runJob(engine, request, { onEvent: logDelta('b') }),
      runJob(engine, request, { onEvent: (event) => third.push({ event, atMs: performance.now() }) }),
    ]);
    const lastOf = (job: 'a' | 'b'): number => log.map((entry) => entry.job).lastIndexOf(job);
    const bothBusy = log.slice(0, Math.min(lastOf('a'), lastOf('b')) + 1);
    expect(bothBusy.length).toBeGreaterThan(10);
    expect(bothBusy.every((entry) => entry.thirdSeen === 0)).toBe(true);
    expect(third[0]?.event.type).toBe('response-start');
    expect(findEvent(third, 'response-end')?.finishReason.unified).toBe('length');
    expect(findEvent(a, 'response-end')?.finishReason.unified).toBe('length');
    expect(findEvent(b, 'response-end')?.finishReason.unified).toBe('length');
  });

  test('a stop sequence ends the answer before it, with finish stop and the sequence reported', async () => {
    const request = chatRequest({ maxOutputTokens: 40, temperature: 0 });
    const free = textOf(await runJob(single, request));
    const { stop, before } = pickStopSequence(free);
    const events = await runJob(single, { ...request, stopSequences: ['never-generated', stop] });
    expect(textOf(events)).toBe(before);
    expect(findEvent(events, 'response-end')).toEqual({
      type: 'response-end',
      finishReason: { unified: 'stop', raw: 'customStopTrigger' },
      stopSequence: stop,
    });
  });
});

/**
 * Two printable ASCII characters from the model's own (deterministic) answer, at their first
 * occurrence and after an ASCII character: the answer is mostly invalid UTF-8, and bytes held back
 * before a stop sequence are dropped with it.
 */
function pickStopSequence(text: string): { stop: string; before: string } {
  const chars = [...text];
  const ascii = (char: string | undefined): boolean => char !== undefined && /^[!-~]$/.test(char);
  for (let i = 1; i + 1 < chars.length; i++) {
    if (!ascii(chars[i - 1]) || !ascii(chars[i]) || !ascii(chars[i + 1])) continue;
    const before = chars.slice(0, i).join('');
    const stop = `${chars[i] ?? ''}${chars[i + 1] ?? ''}`;
    if (text.indexOf(stop) === before.length) return { stop, before };
  }
  throw new Error(`no usable stop sequence in ${JSON.stringify(text)}`);
}
