import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as guards from './result-guards.js';
import { resultMessageSchema } from './result-schema.js';
import { anyField, expectSound, nearArray, nearObject, nearUsage as usage } from './test-support/guard-soundness.js';
import { DOCUMENTED_MESSAGE } from './test-support/documented-message.js';
import { isTextBlock, isToolUseBlock } from './wire-guards.js';
import { redactedThinkingBlockSchema, thinkingBlockSchema } from './wire-schema.js';

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

describe('result guards', () => {
  for (const { name, admits, schema, values } of cases) {
    it(`${name}: admits only what its schema admits, and as the schema would return it`, () => {
      expectSound(admits, schema, values);
    });
  }

  it('admit a documented answer and each of its blocks, so real answers take the fast path', () => {
    expect(guards.isResultMessage(DOCUMENTED_MESSAGE)).toBe(true);
    const [thinking, redacted, , , text, toolUse] = DOCUMENTED_MESSAGE.content;
    expect(guards.isThinkingBlock(thinking)).toBe(true);
    expect(guards.isRedactedThinkingBlock(redacted)).toBe(true);
    expect(isTextBlock(text)).toBe(true);
    expect(isToolUseBlock(toolUse)).toBe(true);
  });
});
