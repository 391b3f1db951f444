import { describe, expect, test } from 'vitest';
import type { ToolDefinition } from '../../canonical/chat-request.js';
import { planGeneration } from './generation-plan.js';
import { chatRequest } from './test-support/engine-jobs.js';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather',
  inputSchema: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } } },
};
const time: ToolDefinition = { name: 'get_time', inputSchema: { type: 'object', properties: { tz: { type: 'string', maxLength: 8 } } } };
const weatherGrammar = { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, additionalProperties: false };

describe('planGeneration', () => {
  test('no tools, or tool choice none: plain text', () => {
    expect(planGeneration(chatRequest(), true)).toEqual({ kind: 'text' });
    expect(planGeneration(chatRequest({ tools: [weather], toolChoice: { type: 'none' } }), true)).toEqual({ kind: 'text' });
  });

  test('response formats hold text to JSON', () => {
    expect(planGeneration(chatRequest({ responseFormat: { type: 'json-object' } }), false)).toEqual({
      kind: 'text',
      grammar: { kind: 'any-json' },
    });
    expect(
      planGeneration(chatRequest({ responseFormat: { type: 'json-schema', schema: weather.inputSchema } }), false),
    ).toEqual({ kind: 'text', grammar: { kind: 'schema', schema: weatherGrammar } });
  });

  test('a named tool: grammar from its schema and an instruction naming it', () => {
    const plan = planGeneration(chatRequest({ tools: [time, weather], toolChoice: { type: 'tool', name: 'get_weather' } }), false);
    expect(plan).toEqual({
      kind: 'named-tool',
      tool: weather,
      grammar: weatherGrammar,
      instruction:
        'Call the tool "get_weather" now (Current weather). Reply with only its arguments: one JSON object matching ' +
        `this JSON Schema: ${JSON.stringify(weather.inputSchema)}`,
    });
  });

  test('an unknown named tool is an invalid request', () => {
    expect(() => planGeneration(chatRequest({ tools: [weather], toolChoice: { type: 'tool', name: 'nope' } }), true)).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'tool_choice' }),
    );
  });

  test('required with one tool is that named tool', () => {
    expect(planGeneration(chatRequest({ tools: [weather], toolChoice: { type: 'required' } }), false)).toMatchObject({
      kind: 'named-tool',
      tool: weather,
    });
  });

  test('required with several tools: one oneOf branch per tool, name before arguments', () => {
    const plan = planGeneration(chatRequest({ tools: [weather, time], toolChoice: { type: 'required' } }), true);
    expect(plan.kind).toBe('pick-tool');
    if (plan.kind !== 'pick-tool') return;
    expect(plan.grammar).toEqual({
      oneOf: [
        { type: 'object', properties: { name: { const: 'get_weather' }, arguments: weatherGrammar } },
        {
          type: 'object',
          properties: {
            name: { const: 'get_time' },
            arguments: { type: 'object', properties: { tz: { type: 'string', maxLength: 8 } }, additionalProperties: false },
          },
        },
      ],
    });
    expect(plan.instruction).toContain('- get_weather: Current weather\n  arguments JSON Schema: {"type":"object"');
    expect(plan.instruction).toContain('- get_time\n  arguments JSON Schema:');
  });

  test('auto uses native function calling only when the chat wrapper has a trained syntax', () => {
    expect(planGeneration(chatRequest({ tools: [weather, time] }), false)).toEqual({ kind: 'text' });
    expect(planGeneration(chatRequest({ tools: [weather, time], parallelToolCalls: false }), true)).toEqual({
      kind: 'native-tools',
      functions: {
        get_weather: { description: 'Current weather', params: weatherGrammar },
        get_time: { params: { type: 'object', properties: { tz: { type: 'string', maxLength: 8 } }, additionalProperties: false } },
      },
      maxParallelCalls: 1,
    });
    expect(planGeneration(chatRequest({ tools: [weather], toolChoice: { type: 'auto' } }), true)).not.toHaveProperty(
      'maxParallelCalls',
    );
  });
});
