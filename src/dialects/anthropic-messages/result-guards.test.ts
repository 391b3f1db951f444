import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as guards from './result-guards.js';
import { resultMessageSchema } from './result-schema.js';
import { anyField, expectSound, nearArray, nearObject } from './test-support/guard-soundness.js';
import { isTextBlock, isToolUseBlock } from './wire-guards.js';
import { redactedThinkingBlockSchema, thinkingBlockSchema } from './wire-schema.js';

const usage = nearObject({
  input_tokens: fc.nat(),
  output_tokens: fc.nat(),
  cache_creation_input_tokens: fc.nat(),
  cache_read_input_tokens: fc.nat(),
  output_tokens_details: nearObject({ thinking_tokens: fc.nat() }),
});
const block = nearObject({ type: fc.constantFrom('text', 'tool_use', 'thinking', 'server_tool_use'), text: fc.string() }, ['type']);

const cases: Array<{ name: string; admits: (value: unknown) => boolean; schema: z.ZodType; values: fc.Arbitrary<unknown> }> = [
  {
    name: 'message',
    admits: guards.isResultMessage,
    schema: resultMessageSchema,
    values: nearObject(
      { id: fc.string(), model: fc.string(), content: nearArray(block), stop_reason: fc.string(), stop_sequence: fc.string(), usage, type: anyField },
      ['id', 'model', 'content', 'usage'],
    ),
  },
  {
    name: 'thinking block',
    admits: guards.isThinkingBlock,
    schema: thinkingBlockSchema,
    values: nearObject({ type: fc.constantFrom('thinking', 'text'), thinking: fc.string(), signature: fc.string() }, ['type', 'thinking']),
  },
  {
    name: 'redacted_thinking block',
    admits: guards.isRedactedThinkingBlock,
    schema: redactedThinkingBlockSchema,
    values: nearObject({ type: fc.constantFrom('redacted_thinking', 'thinking'), data: fc.string() }, ['type']),
  },
];

/** A documented answer with every block kind the decoder reads, plus server-tool blocks it skips. */
const DOCUMENTED = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'thinking', thinking: 'Plan.', signature: 'sig-1' },
    { type: 'redacted_thinking', data: 'EmwK' },
    { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
    { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
    { type: 'text', text: 'Calling.', citations: null },
    { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' }, caller: { type: 'direct' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 3, cache_read_input_tokens: 4, service_tier: 'standard' },
};

describe('result guards', () => {
  for (const { name, admits, schema, values } of cases) {
    it(`${name}: admits only what its schema admits, and as the schema would return it`, () => {
      expectSound(admits, schema, values);
    });
  }

  it('admit a documented answer and each of its blocks, so real answers take the fast path', () => {
    expect(guards.isResultMessage(DOCUMENTED)).toBe(true);
    const [thinking, redacted, , , text, toolUse] = DOCUMENTED.content;
    expect(guards.isThinkingBlock(thinking)).toBe(true);
    expect(guards.isRedactedThinkingBlock(redacted)).toBe(true);
    expect(isTextBlock(text)).toBe(true);
    expect(isToolUseBlock(toolUse)).toBe(true);
  });
});
