import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent, UnifiedFinishReason } from '../../canonical/chat-event.js';
import type { ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { ResultCollector } from '../../canonical/collect-result.js';
import type { Usage } from '../../canonical/usage.js';
import { SseParser } from '../sse/sse-parser.js';
import { createAnthropicStreamDecoder } from './decode-stream.js';
import { createAnthropicStreamEncoder } from './encode-stream.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

/** Text that tries hard to break SSE framing and JSON escaping. */
const text = fc.string({ unit: fc.constantFrom('a', 'é', '💡', '\n', '\r', '"', '\\', '{', ' ', 'data: ', 'event: x', ':'), maxLength: 12 });
const fragments = fc.array(text, { maxLength: 4 });

type BlockSpec =
  | { kind: 'text'; deltas: string[] }
  | { kind: 'reasoning'; deltas: string[]; signature: string | undefined }
  | { kind: 'redacted'; data: string }
  | { kind: 'tool'; callId: string; name: string; args: unknown; cuts: number[] };

const block: fc.Arbitrary<BlockSpec> = fc.oneof(
  fragments.map((deltas) => ({ kind: 'text' as const, deltas })),
  fc
    .tuple(fragments, fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }))
    .map(([deltas, signature]) => ({ kind: 'reasoning' as const, deltas, signature })),
  fc.string({ minLength: 1, maxLength: 20 }).map((data) => ({ kind: 'redacted' as const, data })),
  fc
    .tuple(fc.stringMatching(/^call_[a-z0-9]{1,8}$/), fc.stringMatching(/^[a-z_]{1,10}$/), fc.jsonValue(), fc.array(fc.nat(), { maxLength: 5 }))
    .map(([callId, name, value, cuts]) => ({ kind: 'tool' as const, callId, name, args: { value }, cuts })),
);

const partialUsage: fc.Arbitrary<Partial<Usage>> = fc.record(
  {
    inputTokens: fc.nat(100_000),
    outputTokens: fc.nat(100_000),
    cacheReadTokens: fc.nat(100_000),
    cacheWriteTokens: fc.nat(100_000),
    reasoningTokens: fc.nat(100_000),
  },
  { requiredKeys: [] },
);

const finish = fc.constantFrom<UnifiedFinishReason>('stop', 'length', 'tool-calls', 'content-filter');

function splitAt(value: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (value.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of [...points, value.length]) {
    pieces.push(value.slice(start, point));
    start = point;
  }
  return pieces;
}

function blockEvents(spec: BlockSpec, index: number): ChatEvent[] {
  switch (spec.kind) {
    case 'text':
      return [
        { type: 'text-start', index },
        ...spec.deltas.map((delta): ChatEvent => ({ type: 'text-delta', index, text: delta })),
        { type: 'text-end', index },
      ];
    case 'reasoning':
      return [
        { type: 'reasoning-start', index },
        ...spec.deltas.map((delta): ChatEvent => ({ type: 'reasoning-delta', index, text: delta })),
        { type: 'reasoning-end', index, ...(spec.signature === undefined ? {} : { signature: spec.signature }) },
      ];
    case 'redacted':
      return [
        { type: 'reasoning-start', index, redactedData: spec.data },
        { type: 'reasoning-end', index },
      ];
    case 'tool':
      return [
        { type: 'tool-call-start', index, callId: spec.callId, name: spec.name },
        ...splitAt(JSON.stringify(spec.args), spec.cuts).map((piece): ChatEvent => ({ type: 'tool-call-delta', index, argumentsJson: piece })),
        { type: 'tool-call-end', index },
      ];
  }
}

function collect(events: ChatEvent[]): ChatResult {
  const collector = new ResultCollector();
  events.forEach((event) => collector.push(event));
  return collector.result();
}

function encodeThenDecode(events: ChatEvent[], cuts: number[]): ChatEvent[] {
  const encoder = createAnthropicStreamEncoder({ model: 'coding' } as ChatRequest, scriptedDeps());
  const bytes = Buffer.from(events.map((event) => encoder.push(event)).join(''));
  const parser = new SseParser();
  const decoder = createAnthropicStreamDecoder();
  const decoded: ChatEvent[] = [];
  let start = 0;
  for (const cut of [...cuts.map((value) => value % (bytes.length + 1)), bytes.length].sort((a, b) => a - b)) {
    for (const sse of parser.push(bytes.subarray(start, cut))) if (sse.event) decoded.push(...decoder.push(sse.event));
    start = cut;
  }
  for (const sse of parser.end()) if (sse.event) decoded.push(...decoder.push(sse.event));
  decoded.push(...decoder.end());
  return decoded;
}

describe('Anthropic stream encode → SSE parse → decode', () => {
  it('preserves content, tool arguments, usage, ids and the finish reason', () => {
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 5 }),
        fc.array(partialUsage, { maxLength: 3 }),
        finish,
        fc.array(fc.nat(), { maxLength: 8 }),
        (blocks, usages, unified, cuts) => {
          const events: ChatEvent[] = [
            { type: 'response-start', id: 'msg_rt', model: 'upstream-model' },
            ...blocks.flatMap((spec, index) => blockEvents(spec, index)),
            ...usages.map((usage): ChatEvent => ({ type: 'usage', usage })),
            { type: 'response-end', finishReason: { unified } },
          ];
          const decoded = encodeThenDecode(events, cuts);
          const original = collect(events);
          const roundTripped = collect(decoded);
          expect(roundTripped.id).toBe('msg_rt');
          expect(roundTripped.model).toBe('upstream-model');
          expect(roundTripped.content).toEqual(original.content);
          expect(roundTripped.usage).toEqual(original.usage);
          const hasTool = blocks.some((spec) => spec.kind === 'tool');
          // Any tool_use block means stop_reason tool_use, except for a truncated turn (stop-reason.ts).
          const expected = hasTool && unified !== 'length' ? 'tool-calls' : unified;
          expect(roundTripped.finishReason.unified).toBe(expected);
          for (const [index, spec] of blocks.entries()) {
            const part = roundTripped.content[index];
            if (spec.kind === 'tool' && part?.type === 'tool-call') expect(JSON.parse(part.argumentsJson)).toEqual(JSON.parse(JSON.stringify(spec.args)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
