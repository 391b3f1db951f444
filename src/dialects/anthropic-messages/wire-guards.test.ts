import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { claudeCodeRequest } from './test-support/claude-code-request.js';
import { anyField, expectSound, nearArray, nearObject } from './test-support/guard-soundness.js';
import * as guards from './wire-guards.js';
import * as schemas from './wire-schema.js';

const block = nearObject({ type: fc.constantFrom('text', 'image', 'tool_use'), text: fc.string() });
const content = fc.oneof(fc.string(), nearArray(block));
const positive = fc.integer({ min: 1, max: 64_000 });

const cases: Array<{ name: string; admits: (value: unknown) => boolean; schema: z.ZodType; values: fc.Arbitrary<unknown> }> = [
  {
    name: 'request',
    admits: guards.isRequest,
    schema: schemas.requestSchema,
    values: nearObject(
      {
        model: fc.string({ maxLength: 3 }),
        max_tokens: positive,
        messages: nearArray(anyField),
        system: content,
        tools: nearArray(anyField),
        tool_choice: anyField,
        stop_sequences: nearArray(fc.string()),
        temperature: fc.double(),
        top_p: fc.double({ noNaN: true }),
        top_k: fc.nat(),
        thinking: anyField,
        metadata: nearObject({ user_id: fc.string() }),
        stream: fc.boolean(),
      },
      ['model', 'max_tokens', 'messages'],
    ),
  },
  {
    name: 'message',
    admits: guards.isMessage,
    schema: schemas.messageSchema,
    values: nearObject({ role: fc.constantFrom('user', 'assistant', 'system', 'tool'), content }),
  },
  {
    name: 'text block',
    admits: guards.isTextBlock,
    schema: schemas.textBlockSchema,
    values: nearObject({ type: fc.constantFrom('text', 'image'), text: fc.string() }),
  },
  {
    name: 'tool_use block',
    admits: guards.isToolUseBlock,
    schema: schemas.toolUseBlockSchema,
    values: nearObject(
      { type: fc.constantFrom('tool_use', 'text'), id: fc.string({ maxLength: 2 }), name: fc.string({ maxLength: 2 }), input: nearObject({ q: fc.string() }) },
      ['type', 'id', 'name', 'input'],
    ),
  },
  {
    name: 'tool_result block',
    admits: guards.isToolResultBlock,
    schema: schemas.toolResultBlockSchema,
    values: nearObject({ type: fc.constantFrom('tool_result', 'text'), tool_use_id: fc.string({ maxLength: 2 }), content, is_error: fc.boolean() }),
  },
  {
    name: 'tool kind',
    admits: guards.isToolKind,
    schema: schemas.toolKindSchema,
    values: nearObject({ type: fc.constantFrom('custom', 'web_search_20250305') }),
  },
  {
    name: 'custom tool',
    admits: guards.isCustomTool,
    schema: schemas.customToolSchema,
    values: nearObject({ name: fc.string({ maxLength: 2 }), description: fc.string(), input_schema: nearObject({ type: fc.constant('object') }) }),
  },
];

describe('request wire guards', () => {
  for (const { name, admits, schema, values } of cases) {
    it(`${name}: admits only what its schema admits, and as the schema would return it`, () => {
      expectSound(admits, schema, values);
    });
  }

  it("admit Claude Code's request, its messages, blocks and tools, so real bodies take the fast path", () => {
    const body = claudeCodeRequest();
    expect(guards.isRequest(body)).toBe(true);
    const messages = body.messages as Array<{ content: unknown }>;
    let blocks = 0;
    for (const message of messages) {
      expect(guards.isMessage(message)).toBe(true);
      if (!Array.isArray(message.content)) continue;
      for (const part of message.content as Array<{ type: string }>) {
        const check = { text: guards.isTextBlock, tool_use: guards.isToolUseBlock, tool_result: guards.isToolResultBlock }[part.type];
        if (check === undefined) continue;
        blocks++;
        expect(check(part), JSON.stringify(part)).toBe(true);
      }
    }
    for (const tool of body.tools as unknown[]) expect(guards.isToolKind(tool) && guards.isCustomTool(tool)).toBe(true);
    expect(blocks).toBeGreaterThan(0);
  });
});
