import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedTurn } from '../support/mock-upstreams/index.js';
import { openAiClient } from './helpers/clients.js';
import { RESPONSES_UPSTREAMS, startResponsesGateway, type ResponsesGateway, type ResponsesUpstream } from './helpers/responses-gateway.js';

/**
 * The official `openai` SDK's Responses API (`responses.create`, `responses.stream` +
 * `finalResponse()`) against every HTTP upstream kind, streaming and not, with and without tools,
 * then the function-call round trip with `function_call_output` items (stateless, as Codex does).
 */

type Content = 'text' | 'tools';
interface Case {
  upstream: ResponsesUpstream;
  stream: boolean;
  content: Content;
}

const CASES: Case[] = (['openai', 'compat', 'anthropic'] as const).flatMap((upstream) =>
  [false, true].flatMap((stream) => (['text', 'tools'] as const).map((content) => ({ upstream, stream, content }))),
);

const PROMPT = 'What is the weather in Zürich, and what time is it there?';
const INSTRUCTIONS = 'You are a terse assistant.';
const REASONING = 'The user wants two facts; 2 + 2 = 4 — naïve ✓.';
const TEXT = 'Here you go: 18 °C and sunny in Zürich — naïve café ✓ 🌤.';
const PREAMBLE = 'Let me look both up.';
const FINAL_TEXT = 'It is 18 °C in Zürich and 10:42 local time.';
const WEATHER_ARGS = '{"city":"Zürich","units":"celsius","days":[1,2,3],"note":"naïve ✓ 🌤"}';
const TIME_ARGS = '{"timezone":"Europe/Zurich","format":"24h"}';
const TOOL_OUTPUTS = ['{"temperature":18,"sky":"sunny"}', '10:42'];
const USAGE = { input: 100, output: 20, cacheRead: 30, cacheWrite: 10, reasoning: 5 };
const CALL_IDS = ['call_weather_01', 'call_time_02'] as const;

const SCHEMAS = {
  get_weather: {
    type: 'object',
    properties: { city: { type: 'string' }, units: { type: 'string' }, days: { type: 'array', items: { type: 'integer' } }, note: { type: 'string' } },
    required: ['city'],
  },
  get_time: { type: 'object', properties: { timezone: { type: 'string' }, format: { type: 'string' } }, required: ['timezone'] },
} as const;
const TOOLS: OpenAI.Responses.Tool[] = [
  ...Object.entries(SCHEMAS).map(([name, parameters]): OpenAI.Responses.FunctionTool => ({
    type: 'function',
    name,
    description: `Tool ${name}`,
    parameters,
    strict: false,
  })),
  // Hosted: OpenAI runs it; every other upstream has it dropped and named in x-auxot-warnings.
  { type: 'web_search' },
];

function scriptedTurn(testCase: Case, seed: number): ScriptedTurn {
  const common = { usage: USAGE, split: 'random' as const, seed };
  if (testCase.content === 'text') return { ...common, reasoning: REASONING, text: TEXT, fragmentChars: 2 };
  return {
    ...common,
    fragmentChars: 1,
    text: PREAMBLE,
    toolCalls: [
      { id: CALL_IDS[0], name: 'get_weather', arguments: WEATHER_ARGS },
      { id: CALL_IDS[1], name: 'get_time', arguments: TIME_ARGS },
    ],
  };
}

/** input_tokens include cached and written cache tokens; OpenAI-style upstreams report reasoning tokens, Anthropic none. */
function expectedUsage(upstream: ResponsesUpstream): OpenAI.Responses.ResponseUsage {
  return {
    input_tokens: 140,
    input_tokens_details: { cached_tokens: 30, cache_write_tokens: 10 },
    output_tokens: 20,
    output_tokens_details: { reasoning_tokens: upstream === 'anthropic' ? 0 : 5 },
    total_tokens: 160,
  };
}

type Params = Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'>;

async function ask(client: OpenAI, params: Params, stream: boolean): Promise<{ response: OpenAI.Responses.Response; events: string[]; headers: Headers | undefined }> {
  if (!stream) {
    const { data, response } = await client.responses.create({ ...params, stream: false }).withResponse();
    return { response: data, events: [], headers: response.headers };
  }
  const runner = client.responses.stream(params);
  const events: string[] = [];
  runner.on('event', (event) => events.push(event.type));
  return { response: await runner.finalResponse(), events, headers: undefined };
}

describe('Responses API: openai SDK × upstream kind × streaming × content', () => {
  let gateway: ResponsesGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gateway = await startResponsesGateway();
    client = openAiClient(gateway.server);
  });
  afterAll(async () => gateway?.close());

  it.each(CASES)('$upstream upstream, stream=$stream, $content', async (testCase) => {
    const upstream = gateway.upstreams[testCase.upstream];
    const spec = RESPONSES_UPSTREAMS[testCase.upstream];
    const seed = CASES.indexOf(testCase) + 1;
    upstream.enqueue({ kind: 'turn', turn: scriptedTurn(testCase, seed) });
    const withTools = testCase.content === 'tools';
    const params: Params = {
      model: spec.model,
      instructions: INSTRUCTIONS,
      input: [{ role: 'user', content: PROMPT }],
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { summary: 'auto' },
      max_output_tokens: 512,
      ...(withTools ? { tools: TOOLS, parallel_tool_calls: true } : {}),
    };
    const { response, events, headers } = await ask(client, params, testCase.stream);

    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.error).toBeNull();
    expect(response.incomplete_details).toBeNull();
    expect(response.model).toBe(spec.model);
    expect(response.usage).toEqual(expectedUsage(testCase.upstream));
    if (testCase.stream) {
      expect(events.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
      expect(events.at(-1)).toBe('response.completed');
    }
    const types = response.output.map((item) => item.type);
    if (testCase.content === 'text') {
      expect(types).toEqual(['reasoning', 'message']);
      const [reasoning, message] = response.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseOutputMessage];
      expect(reasoning.id).toMatch(/^rs_/);
      expect(reasoning.summary).toEqual([{ type: 'summary_text', text: REASONING }]);
      // The opaque reasoning state travels only where an upstream gave one: OpenAI's, or Anthropic's signature.
      expect(reasoning.encrypted_content).toBe(testCase.upstream === 'compat' ? undefined : 'sig-test');
      expect(message).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: TEXT, annotations: [] }] });
      expect(message.id).toMatch(/^msg_/);
      expect(response.output_text).toBe(TEXT);
    } else {
      expect(types).toEqual(['message', 'function_call', 'function_call']);
      expect(response.output_text).toBe(PREAMBLE);
      const calls = response.output.filter((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
      expect(calls.map((call) => [call.call_id, call.name, JSON.parse(call.arguments), call.status])).toEqual([
        [CALL_IDS[0], 'get_weather', JSON.parse(WEATHER_ARGS), 'completed'],
        [CALL_IDS[1], 'get_time', JSON.parse(TIME_ARGS), 'completed'],
      ]);
      for (const call of calls) expect(call.id).toMatch(/^fc_/);
    }
    expectRequestReached(testCase, upstream.requests.at(-1)?.body as Record<string, any>);
    if (headers !== undefined && withTools) {
      const warnings = headers.get('x-auxot-warnings');
      if (testCase.upstream === 'openai') expect(warnings).toBeNull();
      else expect(warnings).toContain('"web_search"');
    }
    const [record] = await gateway.server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-responses', modelRequested: spec.model, status: 200, errorCode: null, stream: testCase.stream });
    expect(record).toMatchObject({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 30, cacheWriteTokens: 10, reasoningTokens: testCase.upstream === 'anthropic' ? 0 : 5 });
    if (testCase.content === 'text') return;

    // Turn two, stateless: the whole conversation again, with the function outputs.
    upstream.enqueue({ kind: 'turn', turn: { text: FINAL_TEXT, split: 'random', seed, usage: USAGE } });
    const followUp = await ask(
      client,
      {
        ...params,
        input: [
          { role: 'user', content: PROMPT },
          ...(response.output as OpenAI.Responses.ResponseInputItem[]),
          ...CALL_IDS.map((callId, position): OpenAI.Responses.ResponseInputItem.FunctionCallOutput => ({ type: 'function_call_output', call_id: callId, output: TOOL_OUTPUTS[position] ?? '' })),
        ],
      },
      testCase.stream,
    );
    expect(followUp.response.output_text).toBe(FINAL_TEXT);
    expect(followUp.response.output.map((item) => item.type)).toEqual(['message']);
    expectToolResultsReached(testCase.upstream, upstream.requests.at(-1)?.body as Record<string, any>);
  });
});

/** What the upstream received, in its own dialect: the instructions, the prompt, the tools (hosted ones only for OpenAI). */
function expectRequestReached(testCase: Case, body: Record<string, any>): void {
  const names = Object.keys(SCHEMAS);
  switch (testCase.upstream) {
    case 'openai':
      // Passthrough: the caller's own body, model unchanged, hosted tools kept.
      expect(body).toMatchObject({ model: 'gpt-model', instructions: INSTRUCTIONS, input: [{ role: 'user', content: PROMPT }], store: false, stream: testCase.stream });
      if (testCase.content === 'tools') expect(body.tools.map((tool: any) => tool.type)).toEqual(['function', 'function', 'web_search']);
      return;
    case 'compat':
      expect(body.messages.slice(0, 2)).toEqual([
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: PROMPT },
      ]);
      expect(body.max_tokens).toBe(512);
      if (testCase.content === 'tools') {
        expect(body.tools.map((tool: any) => tool.function.name)).toEqual(names);
        expect(body.tools[0].function.parameters).toEqual(SCHEMAS.get_weather);
        expect(body.parallel_tool_calls).toBe(true);
      } else {
        expect(body.tools).toBeUndefined();
      }
      return;
    case 'anthropic':
      expect(body.system).toEqual([{ type: 'text', text: INSTRUCTIONS }]);
      expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: PROMPT }] }]);
      expect(body.max_tokens).toBe(512);
      if (testCase.content === 'tools') expect(body.tools.map((tool: any) => tool.name)).toEqual(names);
      return;
  }
}

function expectToolResultsReached(upstream: ResponsesUpstream, body: Record<string, any>): void {
  switch (upstream) {
    case 'openai': {
      const outputs = body.input.filter((item: any) => item.type === 'function_call_output');
      expect(outputs).toEqual(CALL_IDS.map((callId, position) => ({ type: 'function_call_output', call_id: callId, output: TOOL_OUTPUTS[position] })));
      expect(body.input.filter((item: any) => item.type === 'function_call').map((item: any) => item.call_id)).toEqual([...CALL_IDS]);
      return;
    }
    case 'compat': {
      const messages = body.messages as any[];
      expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
      expect(messages[2].content).toBe(PREAMBLE);
      expect(messages[2].tool_calls.map((call: any) => [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
        [CALL_IDS[0], 'get_weather', JSON.parse(WEATHER_ARGS)],
        [CALL_IDS[1], 'get_time', JSON.parse(TIME_ARGS)],
      ]);
      expect(messages.slice(3)).toEqual(CALL_IDS.map((callId, position) => ({ role: 'tool', tool_call_id: callId, content: TOOL_OUTPUTS[position] })));
      return;
    }
    case 'anthropic': {
      const messages = body.messages as any[];
      expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect(messages[1].content.map((block: any) => block.type)).toEqual(['text', 'tool_use', 'tool_use']);
      expect(messages[1].content.slice(1).map((block: any) => [block.id, block.name, block.input])).toEqual([
        [CALL_IDS[0], 'get_weather', JSON.parse(WEATHER_ARGS)],
        [CALL_IDS[1], 'get_time', JSON.parse(TIME_ARGS)],
      ]);
      expect(messages[2].content.map((block: any) => [block.type, block.tool_use_id])).toEqual(CALL_IDS.map((callId) => ['tool_result', callId]));
      return;
    }
  }
}
