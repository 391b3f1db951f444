import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent, UnifiedFinishReason } from '../../canonical/chat-event.js';
import type { AssistantPart } from '../../canonical/chat-request.js';
import { ResultCollector } from '../../canonical/collect-result.js';
import { scriptedDeps } from '../openai-chat/test-support/scripted-deps.js';
import { SseParser } from '../sse/sse-parser.js';
import { decodeRequest } from './decode-request.js';
import { createStreamDecoder } from './decode-stream.js';
import { encodeRequest } from './encode-request.js';
import { createStreamEncoder } from './encode-stream.js';
import { decodeResult, encodeResult } from './result.js';
import { responsesRequest } from './test-support/responses-request.js';

type Block = { kind: 'text' | 'reasoning'; fragments: string[] } | { kind: 'tool-call'; name: string; fragments: string[] };

const fragments = fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 6 });
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constantFrom('text' as const, 'reasoning' as const), fragments }),
  fc.record({ kind: fc.constant('tool-call' as const), name: fc.stringMatching(/^[a-z_]{1,12}$/), fragments }),
);
const usage = fc.record({ inputTokens: fc.nat(10_000), outputTokens: fc.nat(10_000), cacheReadTokens: fc.nat(10_000), cacheWriteTokens: fc.nat(10_000), reasoningTokens: fc.nat(10_000) });
const finish = fc.constantFrom<UnifiedFinishReason>('stop', 'length', 'tool-calls', 'content-filter');

function canonicalEvents(blocks: Block[], usageValue: ChatEvent & { type: 'usage' }, unified: UnifiedFinishReason): ChatEvent[] {
  const events: ChatEvent[] = [{ type: 'response-start', id: 'upstream-id', model: 'm' }];
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
  events.push(usageValue, { type: 'response-end', finishReason: { unified } });
  return events;
}

function collect(events: ChatEvent[]) {
  const collector = new ResultCollector();
  for (const event of events) collector.push(event);
  return collector.result();
}

/** An empty message or reasoning item carries nothing back; every other block survives as its own item. */
function normalize(parts: AssistantPart[]): AssistantPart[] {
  return parts.filter((part) => part.type === 'tool-call' || part.text !== '').map((part) => (part.type === 'tool-call' ? part : { type: part.type, text: part.text }));
}

const expectedFinish = (unified: UnifiedFinishReason, toolCalls: boolean): UnifiedFinishReason =>
  unified === 'length' || unified === 'content-filter' ? unified : toolCalls ? 'tool-calls' : 'stop';

describe('Responses round trips through the canonical model', () => {
  it('stream: encode → bytes cut anywhere → SSE parser → decode gives back content, usage and finish', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), usage, finish, fc.array(fc.nat(), { maxLength: 10 }), (blocks, usageValue, unified, cuts) => {
        const original = canonicalEvents(blocks, { type: 'usage', usage: usageValue }, unified);
        const encoder = createStreamEncoder(responsesRequest(), scriptedDeps());
        const bytes = Buffer.from(original.map((event) => encoder.push(event)).join(''));
        const parser = new SseParser();
        const decoder = createStreamDecoder(scriptedDeps());
        const decoded: ChatEvent[] = [];
        let start = 0;
        for (const cut of cuts.map((value) => value % (bytes.length + 1)).sort((a, b) => a - b)) {
          for (const parsed of parser.push(bytes.subarray(start, cut))) if (parsed.event) decoded.push(...decoder.push(parsed.event));
          start = cut;
        }
        for (const parsed of [...parser.push(bytes.subarray(start)), ...parser.end()]) if (parsed.event) decoded.push(...decoder.push(parsed.event));
        decoded.push(...decoder.end());
        const sent = collect(original);
        const received = collect(decoded);
        expect(normalize(received.content)).toEqual(normalize(sent.content));
        expect(received.id).toBe('resp_1');
        expect(received.usage).toEqual(usageValue);
        expect(received.finishReason.unified).toBe(expectedFinish(unified, blocks.some((item) => item.kind === 'tool-call')));
      }),
      { numRuns: 300 },
    );
  });

  it('whole answers: encodeResult → decodeResult keeps text, reasoning with its signature, calls and usage', () => {
    const deps = scriptedDeps();
    const result = {
      id: 'x',
      model: 'qwen3',
      content: [
        { type: 'reasoning' as const, text: 'why', signature: 'sig' },
        { type: 'text' as const, text: 'Answer ✓' },
        { type: 'tool-call' as const, callId: 'call_1', name: 'ns__f', argumentsJson: '{"a":1}' },
      ],
      finishReason: { unified: 'tool-calls' as const },
      usage: { inputTokens: 5, outputTokens: 6, cacheReadTokens: 1, cacheWriteTokens: 2, reasoningTokens: 3 },
    };
    const request = responsesRequest({ include: ['reasoning.encrypted_content'], tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'f' }] }] });
    const body = encodeResult(result, request, deps);
    expect(body.output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'why' }], encrypted_content: 'sig' },
      { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Answer ✓', annotations: [], logprobs: [] }] },
      { id: 'fc_1', type: 'function_call', status: 'completed', arguments: '{"a":1}', call_id: 'call_1', name: 'f', namespace: 'ns' },
    ]);
    const decoded = decodeResult(body, deps);
    expect(decoded).toEqual({ ...result, id: 'resp_1', finishReason: { unified: 'tool-calls', raw: 'completed' } });
  });

  it('requests: decode → encode → decode keeps turns, tools, choices and limits', () => {
    const body = {
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use metric units.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need a tool.' }], encrypted_content: 'enc' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '12 °C' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'It is 12 °C.' }] },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      max_output_tokens: 300,
      temperature: 0.3,
      top_p: 0.9,
      reasoning: { effort: 'high' },
      text: { format: { type: 'json_schema', name: 'weather', schema: { type: 'object' }, strict: true } },
      safety_identifier: 'user-42',
    };
    const first = decodeRequest(body);
    const { body: encoded, warnings } = encodeRequest(first, { model: 'gpt-5', stream: false });
    expect(warnings).toEqual([]);
    const second = decodeRequest({ ...encoded, stream: false });
    const strip = ({ source: _source, warnings: _warnings, ...rest }: typeof first) => rest;
    expect(strip(second)).toEqual({ ...strip(first), system: [{ type: 'text', text: 'Be brief.\n\nUse metric units.' }] });
    expect(first.system).toEqual([{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Use metric units.' }]);
    expect(first.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'Need a tool.', signature: 'enc' }, { type: 'tool-call', callId: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Oslo"}' }] },
      { role: 'user', content: [{ type: 'tool-result', callId: 'call_1', content: [{ type: 'text', text: '12 °C' }], isError: false }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It is 12 °C.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ]);
  });
});
