import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { SseEvent } from '../sse/sse-event.js';
import { ContentDeltaTemplate } from './content-delta-template.js';
import { createStreamDecoder, initialDecoderState, stepDecoder, type DecoderState } from './decode-stream.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

const base = { id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4.1', system_fingerprint: 'fp_1' };
const contentChunk = (content: unknown, extra: Record<string, unknown> = {}, finish: string | null = null): string =>
  JSON.stringify({ ...base, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: finish }], ...extra });

/** The reference: the pure step function alone, no template. */
function decodeByStepsOnly(events: SseEvent[]): ChatEvent[] {
  const ids = scriptedDeps();
  let state: DecoderState = initialDecoderState;
  const out: ChatEvent[] = [];
  for (const event of [...events.map((e) => ({ type: 'event' as const, event: e })), { type: 'end' as const }]) {
    const step = stepDecoder(state, event, ids);
    state = step.state;
    out.push(...step.output);
  }
  return out;
}

function decodeWithShell(events: SseEvent[]): ChatEvent[] {
  const decoder = createStreamDecoder(scriptedDeps());
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.end()];
}

describe('content delta template', () => {
  it('learns a plain content chunk and reads later chunks of the same shape without parsing', () => {
    const template = ContentDeltaTemplate.learn(contentChunk('Hello'), JSON.parse(contentChunk('Hello')));
    expect(template).toBeDefined();
    expect(template?.match(contentChunk(' world'))).toBe(' world');
    expect(template?.match(contentChunk(''))).toBe('');
    expect(template?.match(contentChunk('é 💡'))).toBe('é 💡');
  });

  it('refuses anything that is not the learned chunk with another plain text', () => {
    const template = ContentDeltaTemplate.learn(contentChunk('Hello'), JSON.parse(contentChunk('Hello')));
    // An escape, a quote that would end the string early, a control character: the full parser decides.
    expect(template?.match(contentChunk('say "hi"'))).toBeUndefined();
    expect(template?.match(contentChunk('a\nb'))).toBeUndefined();
    expect(template?.match(contentChunk('tab\there'))).toBeUndefined();
    // Text smuggled so that the bytes around it still match: it holds a quote.
    const injected = contentChunk('x').replace('"x"', '"x","role":"system","content":"y"');
    expect(template?.match(injected)).toBeUndefined();
    expect(template?.match(contentChunk('x', {}, 'stop'))).toBeUndefined();
    expect(template?.match(contentChunk('x', { usage: { prompt_tokens: 1 } }))).toBeUndefined();
    expect(template?.match(JSON.stringify({ ...base, id: 'chatcmpl-other', choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }] }))).toBeUndefined();
  });

  it('is not learned from chunks that carry more than content, or whose content appears twice', () => {
    const learn = (data: string) => ContentDeltaTemplate.learn(data, JSON.parse(data));
    expect(learn(contentChunk('gpt-4.1'))).toBeUndefined(); // the text is also the model name
    expect(learn(JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'a', role: 'assistant' }, finish_reason: null }] }))).toBeUndefined();
    expect(learn(contentChunk('a', {}, 'stop'))).toBeUndefined();
    expect(learn(contentChunk('a', { usage: { prompt_tokens: 1 } }))).toBeUndefined();
    expect(learn(contentChunk('a', { error: { message: 'x' } }))).toBeUndefined();
    expect(learn(JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'a' } }, { index: 1, delta: { content: 'b' } }] }))).toBeUndefined();
  });

  it('decodes every stream exactly as the step function alone does', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '💡', ' ', '"', '\\', '\n', '\t', '{', ':', 'gpt-4.1'), maxLength: 6 });
    const piece = fc.oneof(
      { weight: 6, arbitrary: text.map((content) => ({ data: contentChunk(content) })) },
      { weight: 1, arbitrary: text.map((content) => ({ data: ` ${contentChunk(content)} ` })) },
      { weight: 1, arbitrary: text.map((content) => ({ data: contentChunk(content), event: 'error' })) },
      { weight: 1, arbitrary: text.map((content) => ({ data: contentChunk(content, {}, 'stop') })) },
      { weight: 1, arbitrary: fc.constant({ data: contentChunk('x', { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }) }) },
      { weight: 1, arbitrary: fc.constant({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] } }] }) }) },
      { weight: 1, arbitrary: fc.constant({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { reasoning_content: 'hm' } }] }) }) },
      { weight: 1, arbitrary: fc.constant({ data: '[DONE]' }) },
      { weight: 1, arbitrary: fc.constant({ data: '{"truncated' }) },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (events: SseEvent[]) => {
        expect(decodeWithShell(events)).toEqual(decodeByStepsOnly(events));
      }),
      { numRuns: 1500 },
    );
  });
});
