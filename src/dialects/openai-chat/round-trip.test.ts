import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssistantPart } from '../../canonical/chat-request.js';
import type { ChatEvent, UnifiedFinishReason } from '../../canonical/chat-event.js';
import { ResultCollector } from '../../canonical/collect-result.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { SseParser } from '../sse/sse-parser.js';
import { createStreamDecoder } from './decode-stream.js';
import { createStreamEncoder } from './encode-stream.js';
import { canonicalRequest } from './test-support/canonical-request.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

type Block =
  | { kind: 'text' | 'reasoning'; fragments: string[] }
  | { kind: 'tool-call'; name: string; fragments: string[] };

const fragment = fc.string({ unit: 'grapheme', maxLength: 12 });
const fragments = fc.array(fragment, { maxLength: 6 });
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constantFrom('text' as const, 'reasoning' as const), fragments }),
  fc.record({ kind: fc.constant('tool-call' as const), name: fc.stringMatching(/^[a-z_]{1,12}$/), fragments }),
);
const usage = fc.record({
  inputTokens: fc.nat(10_000),
  outputTokens: fc.nat(10_000),
  cacheReadTokens: fc.nat(10_000),
  cacheWriteTokens: fc.nat(10_000),
  reasoningTokens: fc.nat(10_000),
});
const finish = fc.constantFrom<UnifiedFinishReason>('stop', 'length', 'tool-calls', 'content-filter');

function canonicalEvents(blocks: Block[], usageReport: ChatEvent & { type: 'usage' }, unified: UnifiedFinishReason): ChatEvent[] {
  const events: ChatEvent[] = [{ type: 'response-start', id: 'chatcmpl-prop', model: 'm' }];
  blocks.forEach((item, index) => {
    if (item.kind === 'tool-call') {
      events.push({ type: 'tool-call-start', index, callId: `call_${index}`, name: item.name });
      for (const text of item.fragments) events.push({ type: 'tool-call-delta', index, argumentsJson: text });
      events.push({ type: 'tool-call-end', index });
    } else {
      events.push({ type: `${item.kind}-start`, index });
      for (const text of item.fragments) events.push({ type: `${item.kind}-delta`, index, text });
      events.push({ type: `${item.kind}-end`, index });
    }
  });
  events.push(usageReport, { type: 'response-end', finishReason: { unified } });
  return events;
}

function collect(events: ChatEvent[]): ChatResult {
  const collector = new ResultCollector();
  for (const event of events) collector.push(event);
  return collector.result();
}

/**
 * OpenAI streams have no boundary between two text blocks, and an empty block sends nothing,
 * so compare content with empty text dropped and neighbouring text of one kind joined.
 */
function normalize(parts: AssistantPart[]): AssistantPart[] {
  const out: AssistantPart[] = [];
  for (const part of parts) {
    if (part.type === 'tool-call') {
      out.push(part);
      continue;
    }
    if (part.text === '') continue;
    const last = out.at(-1);
    if (last !== undefined && last.type === part.type) last.text += part.text;
    else out.push({ type: part.type, text: part.text });
  }
  return out;
}

describe('encode → SSE bytes split anywhere → SseParser → decode', () => {
  it('gives back the same text, reasoning, tool calls and arguments, usage and finish reason', () => {
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 6 }),
        usage,
        finish,
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (blocks, usageValue, unified, includeUsage, rawCuts) => {
          const original = canonicalEvents(blocks, { type: 'usage', usage: usageValue }, unified);
          const encoder = createStreamEncoder(canonicalRequest({ stream: true, includeUsage }), scriptedDeps());
          const bytes = Buffer.from(original.map((event) => encoder.push(event)).join(''));

          const parser = new SseParser();
          const decoder = createStreamDecoder(scriptedDeps());
          const decoded: ChatEvent[] = [];
          let start = 0;
          for (const cut of rawCuts.map((value) => value % (bytes.length + 1)).sort((a, b) => a - b)) {
            for (const parsed of parser.push(bytes.subarray(start, cut))) if (parsed.event) decoded.push(...decoder.push(parsed.event));
            start = cut;
          }
          for (const parsed of [...parser.push(bytes.subarray(start)), ...parser.end()]) if (parsed.event) decoded.push(...decoder.push(parsed.event));
          decoded.push(...decoder.end());

          const sent = collect(original);
          const received = collect(decoded);
          const hasToolCalls = blocks.some((item) => item.kind === 'tool-call');
          expect(normalize(received.content)).toEqual(normalize(sent.content));
          expect(received.id).toBe('chatcmpl-prop');
          expect(received.usage).toEqual(includeUsage ? usageValue : { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
          expect(received.finishReason.unified).toBe(hasToolCalls && unified === 'stop' ? 'tool-calls' : unified);
          // Block indices stay dense and in start order.
          const starts = decoded.flatMap((event) => (event.type.endsWith('-start') && 'index' in event ? [event.index] : []));
          expect(starts).toEqual(starts.map((_, position) => position));
        },
      ),
      { numRuns: 300 },
    );
  });
});
