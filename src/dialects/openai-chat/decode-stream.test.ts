import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { SseEvent } from '../sse/sse-event.js';
import { createStreamDecoder, initialDecoderState, stepDecoder } from './decode-stream.js';
import { scriptedDeps } from './test-support/scripted-deps.js';

const base = { id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4.1-2025-04-14', system_fingerprint: 'fp_1' };

function chunk(delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}): SseEvent {
  return { data: JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage: null, ...extra }) };
}

function raw(value: unknown): SseEvent {
  return { data: typeof value === 'string' ? value : JSON.stringify(value) };
}

const done: SseEvent = { data: '[DONE]' };

const wireUsage = {
  prompt_tokens: 120,
  completion_tokens: 40,
  total_tokens: 160,
  prompt_tokens_details: { cached_tokens: 100, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 8, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
const canonicalUsage = { inputTokens: 20, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 0, reasoningTokens: 8 };

function decode(events: SseEvent[], endBody = true): { events: ChatEvent[]; done: boolean } {
  const decoder = createStreamDecoder(scriptedDeps());
  const out = events.flatMap((event) => decoder.push(event));
  if (endBody) out.push(...decoder.end());
  return { events: out, done: decoder.done };
}

describe('stream decoder', () => {
  it('decodes a recorded-style stream: text, two parallel tool calls split at odd places, finish, usage, [DONE]', () => {
    const { events, done: isDone } = decode([
      chunk({ role: 'assistant', content: '', refusal: null }),
      chunk({ content: 'Checking ' }),
      chunk({ content: 'both.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty": "Par' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"tz":"CET"}' } }] }),
      chunk({}, 'tool_calls'),
      raw({ ...base, choices: [], usage: wireUsage, obfuscation: 'x1' }),
      done,
    ]);
    expect(events).toEqual([
      { type: 'response-start', id: 'chatcmpl-abc', model: 'gpt-4.1-2025-04-14' },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Checking ' },
      { type: 'text-delta', index: 0, text: 'both.' },
      { type: 'text-end', index: 0 },
      { type: 'tool-call-start', index: 1, callId: 'call_w', name: 'get_weather' },
      { type: 'tool-call-delta', index: 1, argumentsJson: '{"ci' },
      { type: 'tool-call-delta', index: 1, argumentsJson: 'ty": "Par' },
      { type: 'tool-call-delta', index: 1, argumentsJson: 'is"}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'tool-call-start', index: 2, callId: 'call_t', name: 'get_time' },
      { type: 'tool-call-delta', index: 2, argumentsJson: '{' },
      { type: 'tool-call-delta', index: 2, argumentsJson: '"tz":"CET"}' },
      { type: 'tool-call-end', index: 2 },
      { type: 'usage', usage: canonicalUsage },
      { type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
    expect(isDone).toBe(true);
  });

  it('emits only response-start for an Azure first chunk with empty choices and no usage', () => {
    const decoder = createStreamDecoder(scriptedDeps());
    const azureFirst = raw({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] });
    expect(decoder.push(azureFirst)).toEqual([{ type: 'response-start', id: 'chatcmpl-1', model: '' }]);
    expect(decoder.push(chunk({ role: 'assistant', content: 'Hi' }))).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hi' },
    ]);
    expect(decoder.push(chunk({}, 'stop'))).toEqual([{ type: 'text-end', index: 0 }]);
    expect(decoder.push(done)).toEqual([{ type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } }]);
  });

  it('reports tool-calls when Ollama ends a tool call with finish_reason stop, whole call in one chunk', () => {
    const { events } = decode([
      chunk({ role: 'assistant', content: '', tool_calls: [{ id: 'call_x', index: 0, type: 'function', function: { name: 'ls', arguments: '{"dir":"/tmp"}' } }] }),
      chunk({ content: '' }, 'stop'),
      done,
    ]);
    expect(events).toEqual([
      { type: 'response-start', id: 'chatcmpl-abc', model: 'gpt-4.1-2025-04-14' },
      { type: 'tool-call-start', index: 0, callId: 'call_x', name: 'ls' },
      { type: 'tool-call-delta', index: 0, argumentsJson: '{"dir":"/tmp"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'stop' } },
    ]);
  });

  it('synthesizes a call id, skips empty fragments and accepts a repeated name', () => {
    const { events } = decode([
      chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      done,
    ]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'tool-call-start', index: 0, callId: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsJson: '{}' },
      { type: 'tool-call-end', index: 0 },
    ]);
  });

  it('keeps separate calls apart when an old server omits the index but sends new ids', () => {
    const { events } = decode([
      chunk({ tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{"n":1}' } }] }),
      chunk({ tool_calls: [{ id: 'b', function: { name: 'g', arguments: '{"n":' } }] }),
      chunk({ tool_calls: [{ function: { arguments: '2}' } }] }),
      chunk({}, 'tool_calls'),
      done,
    ]);
    expect(events.filter((event) => event.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, callId: 'a', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsJson: '{"n":1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, callId: 'b', name: 'g' },
      { type: 'tool-call-delta', index: 1, argumentsJson: '{"n":' },
      { type: 'tool-call-delta', index: 1, argumentsJson: '2}' },
      { type: 'tool-call-end', index: 1 },
    ]);
  });

  it('handles content and tool_calls in one chunk, content first (LiteLLM #18238)', () => {
    const { events } = decode([
      chunk({ content: 'Sure.', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'go', arguments: '{}' } }] }, 'tool_calls'),
      done,
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Sure.' },
      { type: 'text-end', index: 0 },
      { type: 'tool-call-start', index: 1, callId: 'call_1', name: 'go' },
      { type: 'tool-call-delta', index: 1, argumentsJson: '{}' },
      { type: 'tool-call-end', index: 1 },
      { type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
  });

  it('decodes reasoning_content and reasoning into one reasoning block before the text', () => {
    const { events } = decode([
      chunk({ role: 'assistant', content: null, reasoning_content: 'Think' }),
      chunk({ reasoning: 'ing.' }),
      chunk({ content: 'Answer', reasoning_content: null }),
      chunk({ content: '', reasoning_content: null }, 'stop'),
      done,
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'Think' },
      { type: 'reasoning-delta', index: 0, text: 'ing.' },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Answer' },
      { type: 'text-end', index: 1 },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
  });

  it('reads usage on the finish chunk (Groq, DeepSeek) and ignores llama.cpp timings', () => {
    const groq = decode([chunk({ content: 'x' }), chunk({}, 'length', { usage: wireUsage, x_groq: { usage: {} } }), done]).events;
    expect(groq.slice(1)).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'x' },
      { type: 'text-end', index: 0 },
      { type: 'usage', usage: canonicalUsage },
      { type: 'response-end', finishReason: { unified: 'length', raw: 'length' } },
    ]);

    const llama = decode([
      chunk({ content: 'y' }),
      chunk({}, 'stop'),
      raw({ ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }, timings: { prompt_n: 9, predicted_ms: 12.5 } }),
      done,
    ]).events;
    expect(llama.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 9, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
  });

  it('accepts the usage chunk with choices: null (vLLM)', () => {
    const { events } = decode([chunk({ content: 'z' }, 'stop'), raw({ ...base, choices: null, usage: wireUsage }), done]);
    expect(events.at(-2)).toEqual({ type: 'usage', usage: canonicalUsage });
  });

  it('turns an error chunk into one error event and stops', () => {
    const decoder = createStreamDecoder(scriptedDeps());
    decoder.push(chunk({ content: 'partial' }));
    const out = decoder.push(raw({ error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded', param: null } }));
    expect(out).toHaveLength(1);
    const [event] = out;
    expect(event?.type).toBe('error');
    if (event?.type !== 'error') return;
    expect(event.error).toBeInstanceOf(GatewayError);
    expect(event.error.code).toBe('rate_limited');
    expect(event.error.message).toBe('Rate limit reached for requests');
    expect(decoder.done).toBe(true);
    expect(decoder.push(done)).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it.each([
    [{ error: { message: 'Overloaded', type: 'overloaded_error' } }, 'overloaded', 'Overloaded'],
    [{ error: { message: 'boom', type: 'server_error', code: null } }, 'upstream_error', 'boom'],
    [{ error: 'model crashed' }, 'upstream_error', 'model crashed'],
  ])('classifies error chunk %j', (payload, code, message) => {
    const [event] = decode([chunk({ content: 'a' }), raw(payload)], false).events.slice(-1);
    expect(event).toMatchObject({ type: 'error', error: { code, message } });
  });

  it('turns an unparseable chunk into an upstream_error and stops', () => {
    const { events, done: isDone } = decode([chunk({ content: 'a' }), raw('{"id": "chatcmpl-abc", "choi'), done]);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error', message: 'malformed chunk from upstream' } });
    expect(events.filter((event) => event.type === 'response-end')).toEqual([]);
    expect(isDone).toBe(true);
  });

  it('fails a cut stream that never finished', () => {
    const { events } = decode([chunk({ content: 'Half an ans' })]);
    expect(events.slice(-1)).toMatchObject([{ type: 'error', error: { code: 'upstream_error', message: 'upstream stream ended before completion' } }]);
    expect(events.some((event) => event.type === 'response-end')).toBe(false);
  });

  it('fails a stream that ended before any chunk', () => {
    expect(decode([]).events).toMatchObject([{ type: 'error', error: { code: 'upstream_error' } }]);
  });

  it('ends leniently when finish_reason came but [DONE] did not', () => {
    const { events, done: isDone } = decode([chunk({ content: 'ok' }), chunk({}, 'stop'), raw({ ...base, choices: [], usage: wireUsage })]);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: canonicalUsage },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
    expect(isDone).toBe(true);
  });

  it('closes an open block at [DONE] even without a finish_reason', () => {
    const { events } = decode([chunk({ content: 'ok' }), done]);
    expect(events.slice(-2)).toEqual([
      { type: 'text-end', index: 0 },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ]);
  });

  it('ignores empty keep-alive data and unknown fields', () => {
    const { events } = decode([raw(''), chunk({ content: 'a', audio: null }, null, { service_tier: 'default' }), chunk({}, 'stop'), done]);
    expect(events.map((event) => event.type)).toEqual(['response-start', 'text-start', 'text-delta', 'text-end', 'response-end']);
  });

  it('fails when a closed tool call is resumed instead of corrupting arguments', () => {
    const { events } = decode([
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
    ], false);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });
  });

  it('step is pure: the input state is never changed', () => {
    const deps = scriptedDeps();
    const first = stepDecoder(initialDecoderState, { type: 'event', event: chunk({ content: 'a' }) }, deps);
    const snapshot = structuredClone(first.state);
    const second = stepDecoder(first.state, { type: 'event', event: chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f' } }] }) }, deps);
    expect(first.state).toEqual(snapshot);
    expect(second.state.toolKeys).toEqual(['#0']);
    expect(second.state.nextIndex).toBe(2);
    expect(initialDecoderState).toEqual({ done: false, started: false, open: undefined, nextIndex: 0, toolKeys: [], finishSeen: false, finishRaw: undefined });
  });
});
