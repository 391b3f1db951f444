import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { scriptedDeps } from '../openai-chat/test-support/scripted-deps.js';
import { createStreamEncoder } from './encode-stream.js';
import { responsesRequest } from './test-support/responses-request.js';

const USAGE: ChatEvent = { type: 'usage', usage: { inputTokens: 10, outputTokens: 8, cacheReadTokens: 4, cacheWriteTokens: 2, reasoningTokens: 3 } };

function encode(events: ChatEvent[], fields = {}): string {
  const encoder = createStreamEncoder(responsesRequest(fields), scriptedDeps());
  return events.map((event) => encoder.push(event)).join('');
}

function frames(text: string): Array<{ event: string; data: Record<string, any> }> {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: (eventLine ?? '').slice('event: '.length), data: JSON.parse((dataLine ?? '').slice('data: '.length)) as Record<string, any> };
    });
}

/** The official SDK reading our bytes as it reads api.openai.com (its own fetch hook, no socket). */
async function sdkFinal(text: string) {
  const client = new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://auxot.invalid/v1',
    maxRetries: 0,
    fetch: async () => new Response(text, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.responses.stream({ model: 'gpt-5', input: 'hi' }).finalResponse();
}

const ANSWER: ChatEvent[] = [
  { type: 'response-start', id: 'chatcmpl-upstream', model: 'qwen3' },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'Think ' },
  { type: 'reasoning-delta', index: 0, text: 'first.' },
  { type: 'reasoning-end', index: 0, signature: 'sig-xyz' },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: 'Calling ' },
  { type: 'text-delta', index: 1, text: 'tools — ✓' },
  { type: 'text-end', index: 1 },
  { type: 'tool-call-start', index: 2, callId: 'call_a', name: 'get_weather' },
  { type: 'tool-call-delta', index: 2, argumentsJson: '{"city":' },
  { type: 'tool-call-delta', index: 2, argumentsJson: '"Oslo"}' },
  { type: 'tool-call-end', index: 2 },
  { type: 'tool-call-start', index: 3, callId: 'call_b', name: 'clock__now' },
  { type: 'tool-call-delta', index: 3, argumentsJson: '{}' },
  { type: 'tool-call-end', index: 3 },
  USAGE,
  { type: 'response-end', finishReason: { unified: 'tool-calls' } },
];

const NAMESPACED_TOOLS = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object' } },
  { type: 'namespace', name: 'clock', description: 'Time tools', tools: [{ type: 'function', name: 'now', parameters: { type: 'object' } }] },
];

describe('Responses stream encoder', () => {
  it('writes the full item lifecycle with event lines, sequence numbers and ids that tie items together', () => {
    const written = frames(encode(ANSWER, { include: ['reasoning.encrypted_content'], tools: NAMESPACED_TOOLS }));
    expect(written.map((frame) => frame.event)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    written.forEach((frame, position) => {
      expect(frame.data.type).toBe(frame.event);
      expect(frame.data.sequence_number).toBe(position);
    });
    // Auxot's own id (callers continue from it), never the upstream's.
    expect(written[0]?.data.response).toMatchObject({ id: 'resp_1', object: 'response', status: 'in_progress', model: 'qwen3', output: [], usage: null, created_at: 1_700_000_000 });
    const added = written.filter((frame) => frame.event === 'response.output_item.added').map((frame) => frame.data.item.id);
    expect(added).toEqual(['rs_1', 'msg_1', 'fc_1', 'fc_2']);
    for (const frame of written) if (frame.data.item_id !== undefined) expect(added[frame.data.output_index]).toBe(frame.data.item_id);
    const final = written.at(-1)?.data.response;
    expect(final.status).toBe('completed');
    expect(final.output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think first.' }], encrypted_content: 'sig-xyz' },
      { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Calling tools — ✓', annotations: [], logprobs: [] }] },
      { id: 'fc_1', type: 'function_call', status: 'completed', arguments: '{"city":"Oslo"}', call_id: 'call_a', name: 'get_weather' },
      { id: 'fc_2', type: 'function_call', status: 'completed', arguments: '{}', call_id: 'call_b', name: 'now', namespace: 'clock' },
    ]);
    expect(final.usage).toEqual({ input_tokens: 16, input_tokens_details: { cached_tokens: 4, cache_write_tokens: 2 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 24 });
  });

  it('the official SDK assembles our stream into the same Response', async () => {
    const response = await sdkFinal(encode(ANSWER, { tools: NAMESPACED_TOOLS }));
    expect(response.output_text).toBe('Calling tools — ✓');
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    // Without `include`, the opaque reasoning state stays out, as OpenAI leaves it out.
    expect(response.output[0]).toEqual({ id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think first.' }] });
    expect(response.output[3]).toMatchObject({ type: 'function_call', name: 'now', namespace: 'clock', arguments: '{}' });
  });

  it('a length finish is response.incomplete with max_output_tokens; a content filter is incomplete too', async () => {
    const cut: ChatEvent[] = [{ type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'Once' }, { type: 'response-end', finishReason: { unified: 'length', raw: 'max_tokens' } }];
    const written = frames(encode(cut));
    expect(written.at(-1)?.event).toBe('response.incomplete');
    expect(written.at(-1)?.data.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    // An unclosed block is closed before the terminal event.
    expect(written.at(-2)).toMatchObject({ event: 'response.output_item.done', data: { item: { type: 'message', content: [{ text: 'Once' }] } } });
    expect((await sdkFinal(encode(cut))).status).toBe('incomplete');
    const filtered = frames(encode([{ type: 'response-end', finishReason: { unified: 'content-filter' } }]));
    expect(filtered.at(-1)?.data.response.incomplete_details).toEqual({ reason: 'content_filter' });
  });

  it('a failure after the first byte is an error event then response.failed, never response.completed', async () => {
    const events: ChatEvent[] = [
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'partial' },
      { type: 'error', error: new GatewayError('rate_limited', 'Provider x: slow down') },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ];
    const written = frames(encode(events));
    expect(written.slice(-2).map((frame) => frame.event)).toEqual(['error', 'response.failed']);
    expect(written.at(-2)?.data).toMatchObject({ type: 'error', code: 'rate_limit_exceeded', message: 'Provider x: slow down', param: null, error: { code: 'rate_limit_exceeded' } });
    expect(written.at(-1)?.data.response).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Provider x: slow down' } });
    expect(written.some((frame) => frame.event === 'response.completed')).toBe(false);
    await expect(sdkFinal(encode(events))).rejects.toThrow('Provider x: slow down');
  });

  it('writes an out-of-band event as a numbered keepalive that responses.stream() accumulates past', async () => {
    const encoder = createStreamEncoder(responsesRequest({}), scriptedDeps());
    const text = [
      encoder.extension('agent_step', { type: 'model', step: 1 }),
      encoder.push({ type: 'response-start', id: 'ignored', model: 'qwen3' }),
      encoder.extension('agent_step', { type: 'tool', step: 1 }),
      ...ANSWER.slice(5, 9).map((event) => encoder.push(event)),
      encoder.push({ type: 'response-end', finishReason: { unified: 'stop' } }),
    ].join('');
    const written = frames(text);
    // The first out-of-band event opens the stream: the SDK needs response.created before anything.
    expect(written.slice(0, 3).map((frame) => frame.event)).toEqual(['response.created', 'response.in_progress', 'keepalive']);
    expect(written.filter((frame) => frame.event === 'keepalive').map((frame) => frame.data)).toEqual([
      { type: 'keepalive', sequence_number: 2, auxot_agent_step: { type: 'model', step: 1 } },
      { type: 'keepalive', sequence_number: 3, auxot_agent_step: { type: 'tool', step: 1 } },
    ]);
    expect(written.map((frame) => frame.data.sequence_number)).toEqual(written.map((_, index) => index));
    expect(encoder.extension('agent_step', { step: 2 })).toBe('');
    expect((await sdkFinal(text)).output_text).toBe('Calling tools — ✓');
  });

  it('echoes the request: instructions, tools, sampling, store, metadata', () => {
    const written = frames(encode(ANSWER.slice(-2), { instructions: 'Be brief.', temperature: 0.2, store: false, metadata: { team: 'a' }, max_output_tokens: 99, reasoning: { effort: 'low', summary: 'auto' } }));
    expect(written[0]?.data.response).toMatchObject({
      instructions: 'Be brief.',
      temperature: 0.2,
      store: false,
      metadata: { team: 'a' },
      max_output_tokens: 99,
      reasoning: { effort: 'low', summary: 'auto' },
      tool_choice: 'auto',
      tools: [],
      parallel_tool_calls: true,
      text: { format: { type: 'text' }, verbosity: 'medium' },
    });
  });
});
