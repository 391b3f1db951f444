import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStream, type ScriptedFinish, type ScriptedToolCall } from '../support/mock-upstreams/index.js';
import { askAnthropic, askOpenAi } from './helpers/ask.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { lastBody, PROVIDERS, startGatewayWithUpstreams, UPSTREAM_KEYS, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';

/**
 * Translation details across dialects (docs/wire-formats.md §3), through the real server:
 * system prompts, images, usage chunk on request, stop sequences, stop reasons, max_tokens.
 */

/** A 1×1 transparent PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const OPENAI_MODEL = PROVIDERS.openai.model;
const CLAUDE_MODEL = PROVIDERS.anthropic.model;
const DEFAULT_MAX_TOKENS = 1234;

describe('SDK translation details', () => {
  let gateway: GatewayWithUpstreams;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams({ settings: { anthropic: { defaultMaxOutputTokens: DEFAULT_MAX_TOKENS } } });
    await gateway.server.addProvider({
      name: 'claude-bare',
      kind: 'anthropic',
      baseUrl: gateway.upstreams.anthropic.baseUrl,
      apiKey: UPSTREAM_KEYS.anthropic,
      models: ['claude-without-default'],
    });
    openai = openAiClient(gateway.server);
    anthropic = anthropicClient(gateway.server);
  });
  afterAll(async () => gateway.close());

  describe('system prompts', () => {
    it('folds an in-array role:"system" message from an Anthropic caller into the one leading system message upstream', async () => {
      const messages = [
        { role: 'user', content: 'Hi.' },
        { role: 'system', content: 'Mid-conversation: prefer metric units.' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Weather?' },
      ] as unknown as Anthropic.MessageParam[];
      const { answer } = await askAnthropic(anthropic, { model: OPENAI_MODEL, max_tokens: 64, system: 'You are terse.', messages }, true);
      expect(answer.text).not.toBe('');
      const sent = lastBody(gateway.upstreams.openai).messages as Array<{ role: string; content: unknown }>;
      expect(sent.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
      const system = sent[0]?.content as string;
      expect(system.indexOf('You are terse.')).toBe(0);
      expect(system.indexOf('Mid-conversation: prefer metric units.')).toBeGreaterThan(system.indexOf('You are terse.'));
      expect(sent.slice(1).map((message) => message.content)).toEqual(['Hi.', 'Hello!', 'Weather?']);
    });

    it('moves OpenAI system and developer messages into Anthropic top-level system blocks, in order', async () => {
      await askOpenAi(
        openai,
        {
          model: CLAUDE_MODEL,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'developer', content: 'Answer in English.' },
            { role: 'user', content: 'Hi.' },
          ],
        },
        false,
      );
      const body = lastBody(gateway.upstreams.anthropic);
      expect(body.system).toEqual([
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Answer in English.' },
      ]);
      expect(body.messages.map((message: { role: string }) => message.role)).toEqual(['user']);
    });
  });

  describe('images', () => {
    it('turns an OpenAI data: URL image into an Anthropic base64 image block', async () => {
      const content: OpenAI.Chat.Completions.ChatCompletionContentPart[] = [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      ];
      await askOpenAi(openai, { model: CLAUDE_MODEL, messages: [{ role: 'user', content }] }, false);
      expect(lastBody(gateway.upstreams.anthropic).messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
      ]);
    });

    it('turns an Anthropic base64 image block into an OpenAI data: URL image', async () => {
      const content: Anthropic.ContentBlockParam[] = [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        { type: 'text', text: 'Describe it.' },
      ];
      await askAnthropic(anthropic, { model: OPENAI_MODEL, max_tokens: 64, messages: [{ role: 'user', content }] }, false);
      expect(lastBody(gateway.upstreams.openai).messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'text', text: 'Describe it.' },
          ],
        },
      ]);
    });
  });

  describe('stream_options.include_usage', () => {
    it.each(['openai', 'anthropic'] as const)('off: no usage chunk and no usage reaches the caller (%s upstream)', async (upstream) => {
      gateway.upstreams[upstream].enqueue({ kind: 'turn', turn: { text: 'No usage please.', usage: { input: 9, output: 4, cacheRead: 2 } } });
      const { chunks, answer } = await askOpenAi(openai, { model: PROVIDERS[upstream].model, messages: [{ role: 'user', content: 'x' }] }, true);
      expect(answer.text).toBe('No usage please.');
      expect(chunks.length).toBeGreaterThan(2);
      for (const chunk of chunks) {
        expect(chunk.choices).toHaveLength(1);
        expect(chunk.usage ?? null).toBeNull();
      }
    });

    it.each(['openai', 'anthropic'] as const)('on: usage null on every chunk, then one usage chunk (%s upstream)', async (upstream) => {
      gateway.upstreams[upstream].enqueue({ kind: 'turn', turn: { text: 'Usage please.', usage: { input: 9, output: 4, cacheRead: 2 } } });
      const params = { model: PROVIDERS[upstream].model, messages: [{ role: 'user' as const, content: 'x' }], stream_options: { include_usage: true } };
      const { chunks } = await askOpenAi(openai, params, true);
      const last = chunks.at(-1);
      for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 4, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 } });
    });
  });

  describe('stop sequences and stop reasons', () => {
    it('sends OpenAI `stop` as Anthropic `stop_sequences` and back', async () => {
      await askOpenAi(openai, { model: CLAUDE_MODEL, messages: [{ role: 'user', content: 'count' }], stop: ['END', 'HALT'] }, false);
      expect(lastBody(gateway.upstreams.anthropic).stop_sequences).toEqual(['END', 'HALT']);
      await askAnthropic(anthropic, { model: OPENAI_MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'count' }], stop_sequences: ['END'] }, false);
      const body = lastBody(gateway.upstreams.openai);
      expect(body.stop).toEqual(['END']);
      expect(body.stop_sequences).toBeUndefined();
    });

    it.each([false, true])('maps an Anthropic stop_sequence stop to finish_reason "stop" (stream=%s)', async (stream) => {
      const events = renderStream('anthropic', { text: 'one two three' }, { model: CLAUDE_MODEL, messages: [] }).map((event) =>
        event.replace('"stop_reason":"end_turn","stop_sequence":null', '"stop_reason":"stop_sequence","stop_sequence":"END"'),
      );
      expect(events.some((event) => event.includes('"stop_sequence":"END"'))).toBe(true);
      gateway.upstreams.anthropic.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: events });
      const { answer } = await askOpenAi(openai, { model: CLAUDE_MODEL, messages: [{ role: 'user', content: 'count' }], stop: ['END'] }, stream);
      expect(answer).toEqual({ text: 'one two three', reasoning: '', toolCalls: [], finish: 'stop' });
    });

    const TOOL: ScriptedToolCall = { id: 'call_lookup_1', name: 'lookup', arguments: '{"q":"x"}' };
    const FINISH_CASES: Array<{ client: 'openai' | 'anthropic'; finish: ScriptedFinish; tools?: boolean; expected: string }> = [
      { client: 'openai', finish: 'length', expected: 'length' },
      { client: 'openai', finish: 'content_filter', expected: 'content_filter' },
      { client: 'anthropic', finish: 'length', expected: 'max_tokens' },
      { client: 'anthropic', finish: 'content_filter', expected: 'refusal' },
      // Several OpenAI-compatible servers say "stop" after tool calls; the caller must still see tool_use (9router#354).
      { client: 'anthropic', finish: 'stop', tools: true, expected: 'tool_use' },
    ];
    it.each(FINISH_CASES.flatMap((testCase) => [false, true].map((stream) => ({ ...testCase, stream }))))(
      '$client caller, upstream finish $finish (tools: $tools) → $expected, stream=$stream',
      async ({ client, finish, tools, expected, stream }) => {
        const upstream = client === 'openai' ? 'anthropic' : 'openai';
        const turn = tools === true ? { toolCalls: [TOOL], finish } : { text: 'cut sh', finish };
        gateway.upstreams[upstream].enqueue({ kind: 'turn', turn });
        const model = PROVIDERS[upstream].model;
        const { answer } =
          client === 'openai'
            ? await askOpenAi(openai, { model, messages: [{ role: 'user', content: 'x' }] }, stream)
            : await askAnthropic(anthropic, { model, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, stream);
        expect(answer.finish).toBe(expected);
        if (tools === true) expect(answer.toolCalls).toEqual([{ id: TOOL.id, name: 'lookup', input: { q: 'x' } }]);
        else expect(answer.text).toBe('cut sh');
      },
    );
  });

  describe('max_tokens', () => {
    it("gives an Anthropic upstream the provider's default max_tokens when the OpenAI caller set none", async () => {
      await askOpenAi(openai, { model: CLAUDE_MODEL, messages: [{ role: 'user', content: 'x' }] }, true);
      expect(lastBody(gateway.upstreams.anthropic).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    });

    it('gives an Anthropic upstream a max_tokens even when neither caller nor provider set one', async () => {
      await askOpenAi(openai, { model: 'claude-without-default', messages: [{ role: 'user', content: 'x' }] }, false);
      const body = lastBody(gateway.upstreams.anthropic);
      expect(body.model).toBe('claude-without-default');
      expect(Number.isInteger(body.max_tokens) && body.max_tokens > 0).toBe(true);
    });

    it('carries max_tokens and max_completion_tokens from an OpenAI caller to Anthropic max_tokens', async () => {
      await askOpenAi(openai, { model: CLAUDE_MODEL, max_tokens: 77, messages: [{ role: 'user', content: 'x' }] }, false);
      expect(lastBody(gateway.upstreams.anthropic).max_tokens).toBe(77);
      await askOpenAi(openai, { model: CLAUDE_MODEL, max_completion_tokens: 88, messages: [{ role: 'user', content: 'x' }] }, false);
      expect(lastBody(gateway.upstreams.anthropic).max_tokens).toBe(88);
    });

    it("carries an Anthropic caller's max_tokens to an OpenAI-compatible upstream as max_tokens", async () => {
      await askAnthropic(anthropic, { model: OPENAI_MODEL, max_tokens: 99, messages: [{ role: 'user', content: 'x' }] }, true);
      const body = lastBody(gateway.upstreams.openai);
      expect(body.max_tokens).toBe(99);
      expect(body.max_completion_tokens).toBeUndefined();
      expect(body.stream_options).toEqual({ include_usage: true });
    });
  });
});
