import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiClient } from './helpers/clients.js';
import { startCascadeRig, type CascadeRig } from './helpers/cascade-rig.js';

/**
 * Responses callers on the worker tiers: a real `auxot worker gpu --upstream` process and a real
 * `auxot worker cli` running Claude Code, both answering through the canonical event stream.
 */
describe('Responses API served by GPU and CLI workers', () => {
  let rig: CascadeRig;
  let client: OpenAI;
  beforeAll(async () => {
    rig = await startCascadeRig();
    client = openAiClient(rig.server);
  }, 60_000);
  afterAll(async () => rig?.close());

  it('a GPU worker streams text and a function call that the SDK assembles', async () => {
    rig.gpuModel.setHandler((request) => {
      const body = request.body as { messages: Array<{ role: string }> };
      if (body.messages.some((message) => message.role === 'tool')) return { kind: 'turn', turn: { text: 'It is sunny.', usage: { input: 30, output: 4 } } };
      return { kind: 'turn', turn: { toolCalls: [{ id: 'call_gpu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }], fragmentChars: 2, usage: { input: 20, output: 7 } } };
    });
    const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
    const first = await client.responses.stream({ model: 'gpu-model', input: 'Weather in Oslo?', tools, store: false }).finalResponse();
    expect(first.status).toBe('completed');
    expect(first.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'call_gpu_1', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' })]);
    expect(first.usage).toMatchObject({ input_tokens: 20, output_tokens: 7, total_tokens: 27 });

    const second = await client.responses.create({
      model: 'gpu-model',
      input: [{ role: 'user', content: 'Weather in Oslo?' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: 'call_gpu_1', output: 'sunny, 12 °C' }],
      tools,
      store: false,
    });
    expect(second.output_text).toBe('It is sunny.');
    const body = rig.gpuModel.requests.at(-1)?.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_gpu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_gpu_1', content: 'sunny, 12 °C' },
    ]);
    const records = await rig.server.requestLog(2);
    const gpuWorker = await rig.server.workerId('gpu-1');
    expect(records.map((record) => [record.surface, record.tier, record.workerId, record.status])).toEqual([
      ['openai-responses', 'gpu', gpuWorker, 200],
      ['openai-responses', 'gpu', gpuWorker, 200],
    ]);
  });

  it('a CLI worker (Claude Code) answers a Responses caller, streaming and not', async () => {
    rig.cliModel.setHandler(() => ({ kind: 'turn', turn: { text: 'from-claude-code' } }));
    const streamed = await client.responses.stream({ model: 'cli-model', input: 'Say something.' }).finalResponse();
    expect(streamed.status).toBe('completed');
    expect(streamed.output_text).toBe('from-claude-code');
    const whole = await client.responses.create({ model: 'cli-model', input: 'Say something.', store: false });
    expect(whole.output_text).toBe('from-claude-code');
    const [record] = await rig.server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-responses', tier: 'cli', workerId: await rig.server.workerId('cli-1'), status: 200 });
  });
});
