import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as guards from './stream-guards.js';
import * as schemas from './stream-schema.js';
import { parseSseText } from './test-support/sse-text.js';
import { expectSound, nearObject, nearUsage as usage } from './test-support/guard-soundness.js';
import { serverToolStream, thinkingStream, toolUseStream } from './test-support/recorded-streams.js';
import { wireUsageSchema } from './usage.js';

const nonNegativeIndex = fc.nat({ max: 5 });

const cases: Array<{ name: string; admits: (value: unknown) => boolean; schema: z.ZodType; values: fc.Arbitrary<unknown> }> = [
  { name: 'usage', admits: guards.isWireUsage, schema: wireUsageSchema, values: usage },
  {
    name: 'message_start',
    admits: guards.isMessageStart,
    schema: schemas.messageStartSchema,
    values: nearObject({ message: nearObject({ id: fc.string(), model: fc.string(), usage }) }),
  },
  {
    name: 'content_block_start',
    admits: guards.isContentBlockStart,
    schema: schemas.contentBlockStartSchema,
    values: nearObject({ index: nonNegativeIndex, content_block: nearObject({ type: fc.constantFrom('text', 'tool_use') }) }),
  },
  { name: 'text block start', admits: guards.isTextStart, schema: schemas.textStartSchema, values: nearObject({ text: fc.string() }) },
  {
    name: 'content_block_delta',
    admits: guards.isContentBlockDelta,
    schema: schemas.contentBlockDeltaSchema,
    values: nearObject({ index: nonNegativeIndex, delta: nearObject({ type: fc.constantFrom('text_delta', 'input_json_delta') }) }),
  },
  { name: 'text_delta', admits: guards.isTextDelta, schema: schemas.textDeltaSchema, values: nearObject({ text: fc.string() }) },
  { name: 'input_json_delta', admits: guards.isInputJsonDelta, schema: schemas.inputJsonDeltaSchema, values: nearObject({ partial_json: fc.string() }) },
  { name: 'content_block_stop', admits: guards.isContentBlockStop, schema: schemas.contentBlockStopSchema, values: nearObject({ index: nonNegativeIndex }) },
  {
    name: 'message_delta',
    admits: guards.isMessageDelta,
    schema: schemas.messageDeltaSchema,
    values: nearObject({ delta: nearObject({ stop_reason: fc.string(), stop_sequence: fc.string() }), usage }),
  },
];

describe('stream guards', () => {
  for (const { name, admits, schema, values } of cases) {
    it(`${name}: admits only what its schema admits, and as the schema would return it`, () => {
      expectSound(admits, schema, values);
    });
  }

  it('admit every event of the recorded streams, so real streams take the fast path', () => {
    const checks: Record<string, Array<(data: Record<string, unknown>) => boolean>> = {
      message_start: [guards.isMessageStart],
      content_block_start: [guards.isContentBlockStart],
      content_block_delta: [guards.isContentBlockDelta],
      content_block_stop: [guards.isContentBlockStop],
      message_delta: [guards.isMessageDelta],
    };
    let seen = 0;
    for (const text of [toolUseStream, serverToolStream, thinkingStream]) {
      for (const event of parseSseText(text)) {
        const data = JSON.parse(event.data) as Record<string, unknown>;
        for (const admits of checks[event.event ?? ''] ?? []) {
          seen++;
          expect(admits(data), `${event.event}: ${event.data}`).toBe(true);
        }
        if (event.event === 'content_block_delta') {
          const delta = data.delta as Record<string, unknown>;
          if (delta.type === 'text_delta') expect(guards.isTextDelta(delta)).toBe(true);
          if (delta.type === 'input_json_delta') expect(guards.isInputJsonDelta(delta)).toBe(true);
        }
        if (event.event === 'content_block_start' && (data.content_block as Record<string, unknown>).type === 'text') {
          expect(guards.isTextStart(data.content_block)).toBe(true);
        }
      }
    }
    expect(seen).toBeGreaterThan(20);
  });
});
