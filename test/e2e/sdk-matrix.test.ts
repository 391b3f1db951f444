import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockDialect, ScriptedTurn } from '../support/mock-upstreams/index.js';
import { askAnthropic, askOpenAi, type AnthropicParams, type OpenAiParams, type ParsedAnswer } from './helpers/ask.js';
import { anthropicClient, openAiClient, type ClientKind } from './helpers/clients.js';
import { lastBody, PROVIDERS, startGatewayWithUpstreams, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';

/**
 * Every client × upstream × streaming × content combination through the real server, asserting
 * what the official SDKs parsed and what the upstream received, then a second turn that sends
 * the tool results back.
 */

type Content = 'text' | 'tools';
interface Case {
  client: ClientKind;
  upstream: MockDialect;
  stream: boolean;
  content: Content;
}

const CASES: Case[] = (['openai', 'anthropic'] as const).flatMap((client) =>
  (['openai', 'anthropic'] as const).flatMap((upstream) =>
    [false, true].flatMap((stream) => (['text', 'tools'] as const).map((content) => ({ client, upstream, stream, content }))),
  ),
);

const PROMPT = 'What is the weather in Zürich, and what time is it there?';
const REASONING = 'The user wants two facts; 2 + 2 = 4 — naïve ✓.';
const TEXT = 'Here you go: 18 °C and sunny in Zürich — naïve café ✓ 🌤.';
const FINAL_TEXT = 'It is 18 °C in Zürich and 10:42 local time.';
const WEATHER_ARGS = '{"city":"Zürich","units":"celsius","days":[1,2,3],"note":"naïve ✓ 🌤"}';
const TIME_ARGS = '{"timezone":"Europe/Zurich","format":"24h"}';
const TOOL_OUTPUTS = ['{"temperature":18,"sky":"sunny"}', '10:42'];
/** Claude usually says something before calling tools; OpenAI models usually open with the call (role chunk). */
const PREAMBLE: Record<MockDialect, string | undefined> = { openai: undefined, anthropic: 'Let me look both up.' };
/** Cache tokens on purpose: prompt_tokens must include them on the OpenAI side and input_tokens must not on the Anthropic side. */
const USAGE = { input: 100, output: 20, cacheRead: 30, cacheWrite: 10, reasoning: 5 };

const SCHEMAS = {
  get_weather: {
    type: 'object',
    properties: { city: { type: 'string' }, units: { type: 'string' }, days: { type: 'array', items: { type: 'integer' } }, note: { type: 'string' } },
    required: ['city'],
  },
  get_time: { type: 'object', properties: { timezone: { type: 'string' }, format: { type: 'string' } }, required: ['timezone'] },
} as const;
const OPENAI_TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = Object.entries(SCHEMAS).map(([name, parameters]) => ({
  type: 'function',
  function: { name, description: `Tool ${name}`, parameters },
}));
const ANTHROPIC_TOOLS: Anthropic.Tool[] = Object.entries(SCHEMAS).map(([name, schema]) => ({
  name,
  description: `Tool ${name}`,
  input_schema: schema as unknown as Anthropic.Tool.InputSchema,
}));

function toolIds(upstream: MockDialect): [string, string] {
  return upstream === 'openai' ? ['call_weather_01', 'call_time_02'] : ['toolu_weather_01', 'toolu_time_02'];
}

/** Small fragments cut at seeded-random byte offsets: UTF-8 sequences and JSON tokens straddle socket writes. */
function scriptedTurn(testCase: Case, seed: number): ScriptedTurn {
  const common = { usage: USAGE, split: 'random' as const, seed };
  if (testCase.content === 'text') return { ...common, reasoning: REASONING, text: TEXT, fragmentChars: 2 };
  const [weather, time] = toolIds(testCase.upstream);
  return {
    ...common,
    fragmentChars: 1,
    ...(PREAMBLE[testCase.upstream] === undefined ? {} : { text: PREAMBLE[testCase.upstream] }),
    toolCalls: [
      { id: weather, name: 'get_weather', arguments: WEATHER_ARGS },
      { id: time, name: 'get_time', arguments: TIME_ARGS },
    ],
  };
}

function expectedAnswer(testCase: Case): ParsedAnswer {
  const isOpenAi = testCase.client === 'openai';
  if (testCase.content === 'text') return { text: TEXT, reasoning: REASONING, toolCalls: [], finish: isOpenAi ? 'stop' : 'end_turn' };
  const [weather, time] = toolIds(testCase.upstream);
  return {
    text: PREAMBLE[testCase.upstream] ?? '',
    reasoning: '',
    toolCalls: [
      { id: weather, name: 'get_weather', input: JSON.parse(WEATHER_ARGS) },
      { id: time, name: 'get_time', input: JSON.parse(TIME_ARGS) },
    ],
    finish: isOpenAi ? 'tool_calls' : 'tool_use',
  };
}

/** prompt_tokens = input + cache read + cache write (docs/wire-formats.md §3.4); reasoning tokens exist only on the OpenAI wire. */
function expectOpenAiUsage(usage: OpenAI.CompletionUsage | undefined, upstream: MockDialect): void {
  expect(usage).toEqual({
    prompt_tokens: 140,
    completion_tokens: 20,
    total_tokens: 160,
    prompt_tokens_details: { cached_tokens: 30, audio_tokens: 0, cache_write_tokens: 10 },
    completion_tokens_details: {
      reasoning_tokens: upstream === 'openai' ? 5 : 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  });
}

function expectAnthropicUsage(usage: Anthropic.Usage): void {
  expect(usage.input_tokens).toBe(100);
  expect(usage.output_tokens).toBe(20);
  expect(usage.cache_read_input_tokens).toBe(30);
  expect(usage.cache_creation_input_tokens).toBe(10);
}

describe('SDK matrix: client × upstream × streaming × content', () => {
  let gateway: GatewayWithUpstreams;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
    openai = openAiClient(gateway.server);
    anthropic = anthropicClient(gateway.server);
  });
  afterAll(async () => gateway.close());

  /** Runs the first turn, checks usage, and returns a function that sends the tool results back. */
  async function firstTurn(testCase: Case): Promise<{ answer: ParsedAnswer; followUp(): Promise<ParsedAnswer> }> {
    const model = PROVIDERS[testCase.upstream].model;
    const withTools = testCase.content === 'tools';
    if (testCase.client === 'openai') {
      const params: OpenAiParams = {
        model,
        messages: [{ role: 'user', content: PROMPT }],
        ...(withTools ? { tools: OPENAI_TOOLS } : {}),
        ...(testCase.stream ? { stream_options: { include_usage: true } } : {}),
      };
      const outcome = await askOpenAi(openai, params, testCase.stream);
      expectOpenAiUsage(outcome.completion.usage, testCase.upstream);
      if (testCase.stream) expect(outcome.chunks.at(-1)?.choices).toEqual([]);
      const message = outcome.completion.choices[0]?.message;
      const followUp = async (): Promise<ParsedAnswer> => {
        const calls = message?.tool_calls ?? [];
        const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
          ...params.messages,
          { role: 'assistant', content: message?.content ?? null, tool_calls: calls },
          ...calls.map((call, position) => ({ role: 'tool' as const, tool_call_id: call.id, content: TOOL_OUTPUTS[position] ?? '' })),
        ];
        return (await askOpenAi(openai, { ...params, messages }, testCase.stream)).answer;
      };
      return { answer: outcome.answer, followUp };
    }
    const params: AnthropicParams = {
      model,
      max_tokens: 512,
      messages: [{ role: 'user', content: PROMPT }],
      ...(withTools ? { tools: ANTHROPIC_TOOLS } : {}),
    };
    const outcome = await askAnthropic(anthropic, params, testCase.stream);
    expectAnthropicUsage(outcome.message.usage);
    const thinking = outcome.message.content.find((block): block is Anthropic.ThinkingBlock => block.type === 'thinking');
    // The signature must survive; an OpenAI upstream has none to give.
    if (testCase.upstream === 'anthropic' && testCase.content === 'text') expect(thinking?.signature).toBe('sig-test');
    if (testCase.stream) {
      expect(outcome.events[0]?.type).toBe('message_start');
      expect(outcome.events.at(-1)?.type).toBe('message_stop');
    }
    const followUp = async (): Promise<ParsedAnswer> => {
      const results: Anthropic.ToolResultBlockParam[] = outcome.answer.toolCalls.map((call, position) => ({
        type: 'tool_result',
        tool_use_id: call.id,
        content: TOOL_OUTPUTS[position] ?? '',
      }));
      const messages: Anthropic.MessageParam[] = [
        ...params.messages,
        { role: 'assistant', content: outcome.message.content as Anthropic.ContentBlockParam[] },
        { role: 'user', content: results },
      ];
      return (await askAnthropic(anthropic, { ...params, messages }, testCase.stream)).answer;
    };
    return { answer: outcome.answer, followUp };
  }

  it.each(CASES)('$client SDK → $upstream upstream, stream=$stream, $content', async (testCase) => {
    const upstream = gateway.upstreams[testCase.upstream];
    const seed = CASES.indexOf(testCase) + 1;
    upstream.enqueue({ kind: 'turn', turn: scriptedTurn(testCase, seed) });
    const { answer, followUp } = await firstTurn(testCase);

    expect(answer.text).toBe(expectedAnswer(testCase).text);
    expect(answer.toolCalls).toEqual(expectedAnswer(testCase).toolCalls);
    expect(answer.finish).toBe(expectedAnswer(testCase).finish);
    expect(answer.reasoning).toBe(expectedAnswer(testCase).reasoning);
    expectToolsReached(testCase, lastBody(upstream));
    const [record] = await gateway.server.requestLog(1);
    expect(record).toMatchObject({ modelRequested: PROVIDERS[testCase.upstream].model, providerModel: PROVIDERS[testCase.upstream].model, status: 200, errorCode: null });
    expect(record).toMatchObject({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 30, cacheWriteTokens: 10 });
    if (testCase.content === 'text') return;

    upstream.enqueue({ kind: 'turn', turn: { text: FINAL_TEXT, split: 'random', seed, usage: USAGE } });
    const final = await followUp();
    expect(final.text).toBe(FINAL_TEXT);
    expect(final.toolCalls).toEqual([]);
    expect(final.finish).toBe(testCase.client === 'openai' ? 'stop' : 'end_turn');
    expectToolResultsReached(testCase.upstream, lastBody(upstream));
  });
});

/** The tool definitions arrive in the upstream's own shape, names and schemas intact. */
function expectToolsReached(testCase: Case, body: Record<string, any>): void {
  if (testCase.content === 'text') {
    expect(body.tools).toBeUndefined();
    return;
  }
  const names = Object.keys(SCHEMAS);
  if (testCase.upstream === 'openai') {
    expect(body.tools.map((tool: any) => tool.function.name)).toEqual(names);
    expect(body.tools.map((tool: any) => tool.type)).toEqual(['function', 'function']);
    expect(body.tools[0].function.parameters).toEqual(SCHEMAS.get_weather);
  } else {
    expect(body.tools.map((tool: any) => tool.name)).toEqual(names);
    expect(body.tools[1].input_schema).toEqual(SCHEMAS.get_time);
  }
}

/**
 * The second turn reached the upstream with the assistant's calls and their results, ids kept:
 * OpenAI `tool` messages right after the assistant message, or one Anthropic user turn of `tool_result` blocks.
 */
function expectToolResultsReached(upstream: MockDialect, body: Record<string, any>): void {
  const [weather, time] = toolIds(upstream);
  const messages = body.messages as any[];
  if (upstream === 'openai') {
    const assistantAt = messages.findIndex((message) => message.role === 'assistant');
    const assistant = messages[assistantAt];
    expect(assistant.tool_calls.map((call: any) => [call.id, call.type, call.function.name])).toEqual([
      [weather, 'function', 'get_weather'],
      [time, 'function', 'get_time'],
    ]);
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual(JSON.parse(WEATHER_ARGS));
    expect(JSON.parse(assistant.tool_calls[1].function.arguments)).toEqual(JSON.parse(TIME_ARGS));
    expect(messages.slice(assistantAt + 1)).toEqual([
      { role: 'tool', tool_call_id: weather, content: TOOL_OUTPUTS[0] },
      { role: 'tool', tool_call_id: time, content: TOOL_OUTPUTS[1] },
    ]);
    return;
  }
  expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  const toolUses = messages[1].content.filter((block: any) => block.type === 'tool_use');
  expect(toolUses.map((block: any) => [block.id, block.name, block.input])).toEqual([
    [weather, 'get_weather', JSON.parse(WEATHER_ARGS)],
    [time, 'get_time', JSON.parse(TIME_ARGS)],
  ]);
  const results = messages[2].content.map((block: any) => [block.type, block.tool_use_id, resultText(block.content)]);
  expect(results).toEqual([
    ['tool_result', weather, TOOL_OUTPUTS[0]],
    ['tool_result', time, TOOL_OUTPUTS[1]],
  ]);
}

/** A tool_result's content may be a string or text blocks; both are valid Anthropic. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return (content as Array<{ type: string; text?: string }>).map((block) => block.text ?? '').join('');
}
