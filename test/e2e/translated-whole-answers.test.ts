import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_TRANSLATED_MAX_TOKENS } from '../../src/providers/http/http-provider.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { lastBody, PROVIDERS, startGatewayWithUpstreams, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { recordOf } from './helpers/raw-http.js';

/**
 * A translated call that does not stream, with a small output budget, is asked of its upstream as
 * one body (decision 64); a larger or missing budget keeps the upstream streaming. Either way the
 * caller gets the same answer in its own dialect and the record carries the upstream's usage.
 */
const TOOL = { id: 'call_weather_1', name: 'weather', arguments: '{"city":"Oslo"}' };
const USAGE = { input: 40, output: 9, cacheRead: 8 };
const TOOLS_OPENAI: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const TOOLS_ANTHROPIC: Anthropic.Tool[] = [{ name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];

/** What a record says about the answer (its finish reason is the upstream's own word), apart from ids, times and the budget asked for. */
const pick = (record: Record<string, unknown>) => {
  const { providerId, providerModel, status, errorCode, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, finishReason, costUsd } =
    record;
  return { providerId, providerModel, status, errorCode, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, finishReason, costUsd };
};

describe('translated calls that do not stream', () => {
  let gateway: GatewayWithUpstreams;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
    openai = openAiClient(gateway.server);
    anthropic = anthropicClient(gateway.server);
  });
  afterAll(async () => gateway.close());

  it(`Anthropic caller → OpenAI upstream, max_tokens ${WHOLE_TRANSLATED_MAX_TOKENS}: one upstream body, the same message and record as from a stream`, async () => {
    const ask = async (maxTokens: number) => {
      gateway.upstreams.openai.enqueue({
        kind: 'turn',
        turn: { id: 'chatcmpl-same', reasoning: 'Check the sky.', text: 'Looking it up.', toolCalls: [TOOL], usage: USAGE },
      });
      const { data: message, response } = await anthropic.messages
        .create({ model: PROVIDERS.openai.model, max_tokens: maxTokens, tools: TOOLS_ANTHROPIC, messages: [{ role: 'user', content: 'Weather in Oslo?' }] })
        .withResponse();
      const sent = gateway.upstreams.openai.requests.at(-1);
      return { message, sent, record: await recordOf(gateway.server, response.headers.get('x-request-id')) };
    };
    const whole = await ask(WHOLE_TRANSLATED_MAX_TOKENS);
    const streamed = await ask(WHOLE_TRANSLATED_MAX_TOKENS + 1);

    expect(whole.sent?.body).toMatchObject({ stream: false });
    expect(whole.sent?.body).not.toHaveProperty('stream_options');
    expect(whole.sent?.headers.accept).toBe('application/json');
    expect(streamed.sent?.body).toMatchObject({ stream: true });
    expect(whole.message.content).toEqual([
      { type: 'thinking', thinking: 'Check the sky.', signature: expect.any(String) as string },
      { type: 'text', text: 'Looking it up.' },
      { type: 'tool_use', id: TOOL.id, name: TOOL.name, input: { city: 'Oslo' } },
    ]);
    expect(whole.message).toEqual(streamed.message);
    expect(whole.record).toMatchObject({
      status: 200,
      stream: false,
      outputTokens: USAGE.output,
      cacheReadTokens: USAGE.cacheRead,
      finishReason: 'tool_calls',
    });
    expect(pick(whole.record)).toEqual(pick(streamed.record));
    expect(pick(whole.record).providerId).toEqual(expect.any(String));
  });

  it('OpenAI caller → Anthropic upstream, max_tokens 100: one upstream body, the same completion and record as from a stream', async () => {
    const ask = async (maxTokens: number) => {
      gateway.upstreams.anthropic.enqueue({ kind: 'turn', turn: { id: 'msg_same', text: 'Sunny in Oslo.', toolCalls: [TOOL], usage: USAGE } });
      const { data: completion, response } = await openai.chat.completions
        .create({ model: PROVIDERS.anthropic.model, max_tokens: maxTokens, tools: TOOLS_OPENAI, messages: [{ role: 'user', content: 'Weather in Oslo?' }] })
        .withResponse();
      const sent = gateway.upstreams.anthropic.requests.at(-1);
      return { completion, sent, record: await recordOf(gateway.server, response.headers.get('x-request-id')) };
    };
    const whole = await ask(100);
    const streamed = await ask(WHOLE_TRANSLATED_MAX_TOKENS + 1);

    expect(whole.sent?.body).toMatchObject({ stream: false, max_tokens: 100 });
    expect(streamed.sent?.body).toMatchObject({ stream: true });
    expect(whole.completion.choices[0]?.message).toMatchObject({
      content: 'Sunny in Oslo.',
      tool_calls: [{ id: TOOL.id, type: 'function', function: { name: TOOL.name, arguments: TOOL.arguments } }],
    });
    expect(whole.completion.choices[0]?.finish_reason).toBe('tool_calls');
    // `created` is the second each answer was written in.
    expect({ ...whole.completion, created: 0 }).toEqual({ ...streamed.completion, created: 0 });
    expect(whole.record).toMatchObject({ status: 200, stream: false, outputTokens: USAGE.output, cacheReadTokens: USAGE.cacheRead, finishReason: 'tool_use' });
    expect(pick(whole.record)).toEqual(pick(streamed.record));
  });

  it.each([
    { label: `Anthropic caller, max_tokens ${WHOLE_TRANSLATED_MAX_TOKENS + 1}`, caller: 'anthropic', maxTokens: WHOLE_TRANSLATED_MAX_TOKENS + 1 },
    { label: 'OpenAI caller, no max_tokens', caller: 'openai', maxTokens: undefined },
    { label: `OpenAI caller, max_tokens ${WHOLE_TRANSLATED_MAX_TOKENS + 1}`, caller: 'openai', maxTokens: WHOLE_TRANSLATED_MAX_TOKENS + 1 },
  ] as const)('$label: the upstream streams and the answer is collected', async ({ caller, maxTokens }) => {
    const upstream = caller === 'anthropic' ? gateway.upstreams.openai : gateway.upstreams.anthropic;
    upstream.enqueue({ kind: 'turn', turn: { text: 'Rain later.', usage: USAGE } });
    const messages = [{ role: 'user' as const, content: 'Weather?' }];
    const text =
      caller === 'anthropic'
        ? (await anthropic.messages.create({ model: PROVIDERS.openai.model, max_tokens: maxTokens ?? 1, messages })).content
            .map((block) => (block.type === 'text' ? block.text : ''))
            .join('')
        : (await openai.chat.completions.create({ model: PROVIDERS.anthropic.model, messages, ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }) }))
            .choices[0]?.message.content;
    expect(text).toBe('Rain later.');
    expect(lastBody(upstream).stream).toBe(true);
    expect(upstream.requests.at(-1)?.headers.accept).toBe('text/event-stream');
  });
});
