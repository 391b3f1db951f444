import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JsonObject } from '../../canonical/json.js';
import type { InferenceEngine } from '../inference-engine.js';
import { argumentsOf, chatRequest, eventTypes, findEvent, runJob, textOf } from './test-support/engine-jobs.js';
import { writeTinyModel, type TinyModel } from './test-support/tiny-engine.js';

// Real llama.cpp inference on the tiny random-weight GGUF, one CPU thread.
let model: TinyModel;
let engine: InferenceEngine;

beforeAll(async () => {
  model = writeTinyModel();
  engine = await model.createEngine(1);
});

afterAll(async () => model?.dispose());

const weatherSchema: JsonObject = {
  type: 'object',
  properties: {
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    city: { type: 'string', maxLength: 12 },
  },
  required: ['unit', 'city'],
};
const timeSchema: JsonObject = { type: 'object', properties: { tz: { type: 'string', maxLength: 8 } }, required: ['tz'] };
const tools = [
  { name: 'get_weather', description: 'Current weather in a city', inputSchema: weatherSchema },
  { name: 'get_time', inputSchema: timeSchema },
];

/**
 * String length as llama.cpp's grammar counts it. The byte-level random model writes invalid UTF-8
 * (a 4-byte lead byte followed by ASCII) that the grammar, decoding leniently, counts as one
 * character and the detokenizer turns into one U+FFFD per byte; count such a run once.
 */
function grammarLength(value: unknown): number {
  return [...String(value).replace(/\uFFFD+/g, '\uFFFD')].length;
}

function expectWeatherArguments(json: string): void {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  expect(Object.keys(parsed).sort()).toEqual(['city', 'unit']);
  expect(['celsius', 'fahrenheit']).toContain(parsed['unit']);
  expect(typeof parsed['city']).toBe('string');
  expect(grammarLength(parsed['city'])).toBeLessThanOrEqual(12);
}

function expectTimeArguments(json: string): void {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(['tz']);
  expect(typeof parsed['tz']).toBe('string');
  expect(grammarLength(parsed['tz'])).toBeLessThanOrEqual(8);
}

describe('createLlamaEngine: tools and JSON', () => {
  test('a named tool is forced by its schema, streamed in fragments, and the same on every run at temperature 0', async () => {
    const request = chatRequest({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
      tools,
      toolChoice: { type: 'tool', name: 'get_weather' },
      temperature: 0,
      maxOutputTokens: 120,
    });
    const first = await runJob(engine, request);
    expect(eventTypes(first)).toMatch(/^response-start tool-call-start( tool-call-delta){3,} tool-call-end usage response-end$/);
    expect(findEvent(first, 'tool-call-start')).toEqual({
      type: 'tool-call-start',
      index: 0,
      callId: expect.stringMatching(/^call_\d+$/),
      name: 'get_weather',
    });
    expectWeatherArguments(argumentsOf(first));
    expect(findEvent(first, 'response-end')?.finishReason).toEqual({ unified: 'tool-calls', raw: 'stopGenerationTrigger' });
    const second = await runJob(engine, request);
    expect(argumentsOf(second)).toBe(argumentsOf(first));
  });

  test('required with two tools: the model picks a name, then arguments that fit that tool', async () => {
    const request = chatRequest({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What now?' }] }],
      tools,
      toolChoice: { type: 'required' },
      temperature: 0,
      maxOutputTokens: 150,
    });
    const events = await runJob(engine, request);
    expect(eventTypes(events)).toMatch(/^response-start tool-call-start( tool-call-delta)+ tool-call-end usage response-end$/);
    const name = findEvent(events, 'tool-call-start')?.name;
    expect(['get_weather', 'get_time']).toContain(name);
    if (name === 'get_weather') expectWeatherArguments(argumentsOf(events));
    else expectTimeArguments(argumentsOf(events));
    expect(findEvent(events, 'response-end')?.finishReason.unified).toBe('tool-calls');
    expect(argumentsOf(await runJob(engine, request))).toBe(argumentsOf(events));
  });


  test('auto with tools answers in text on a model without a trained tool syntax', async () => {
    const events = await runJob(engine, chatRequest({ tools, toolChoice: { type: 'auto' }, temperature: 0, maxOutputTokens: 16 }));
    expect(eventTypes(events)).toMatch(/^response-start text-start( text-delta)+ text-end usage response-end$/);
    expect(findEvent(events, 'response-end')?.finishReason).toEqual({ unified: 'length', raw: 'maxTokens' });
  });

  test('a JSON Schema response format holds the text answer to the schema', async () => {
    const events = await runJob(
      engine,
      chatRequest({ responseFormat: { type: 'json-schema', schema: weatherSchema }, temperature: 0, maxOutputTokens: 120 }),
    );
    expect(eventTypes(events)).toMatch(/^response-start text-start( text-delta)+ text-end usage response-end$/);
    expectWeatherArguments(textOf(events));
    expect(findEvent(events, 'response-end')?.finishReason).toEqual({ unified: 'stop', raw: 'stopGenerationTrigger' });
  });

  test('a conversation with a tool call and its result is rendered and continued after the result', async () => {
    const events = await runJob(
      engine,
      chatRequest({
        system: [{ type: 'text', text: 'You report the weather.' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', callId: 'call_a', name: 'get_weather', argumentsJson: '{"unit":"celsius","city":"Paris"}' }],
          },
          { role: 'user', content: [{ type: 'tool-result', callId: 'call_a', content: [{ type: 'text', text: '21 and sunny' }], isError: false }] },
        ],
        tools,
        temperature: 0,
        maxOutputTokens: 8,
      }),
    );
    expect(eventTypes(events)).toMatch(/^response-start text-start( text-delta)+ text-end usage response-end$/);
    const usage = findEvent(events, 'usage')?.usage;
    // The rendered prompt holds the call and its result, well beyond the bare question.
    expect((usage?.inputTokens ?? 0) + (usage?.cacheReadTokens ?? 0)).toBeGreaterThan(100);
    expect(usage?.outputTokens).toBe(8);
  });
});
