import * as llamaCpp from 'node-llama-cpp';
import type { ChatHistoryItem, ChatModelFunctions, LLamaChatGenerateResponseOptions, LlamaChatResponse, Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { loadLlamaRuntime, type LlamaRuntime } from './llama-runtime.js';
import { runGeneration } from './run-generation.js';
import { chatRequest, counterIds } from './test-support/engine-jobs.js';
import { writeTinyModel, type TinyModel } from './test-support/tiny-engine.js';

/**
 * node-llama-cpp's own function calling, on real llama.cpp: the tiny model runs behind the Qwen
 * chat wrapper, and a token bias steers its first tokens into Qwen's tool-call prefix. From there
 * node-llama-cpp detects the call and its grammar picks the name and arguments, as with a real model.
 */
function steeredLlamaChat(runtime: LlamaRuntime, prefix: string): typeof llamaCpp.LlamaChat {
  const bytes = Buffer.from(prefix, 'utf8');
  return class SteeredLlamaChat extends llamaCpp.LlamaChat {
    override generateResponse<const Functions extends ChatModelFunctions | undefined = undefined>(
      history: ChatHistoryItem[],
      options: LLamaChatGenerateResponseOptions<Functions> = {},
    ): Promise<LlamaChatResponse<Functions>> {
      let sampled = 0;
      // Called once per sampled token. Token ids of the tiny vocabulary: 3 + byte value.
      const tokenBias = (): llamaCpp.TokenBias => {
        const bias = new llamaCpp.TokenBias(runtime.model.tokenizer);
        const byte = bytes[sampled++];
        if (byte !== undefined) bias.set((byte + 3) as Token, { logit: 1e6 });
        return bias;
      };
      return super.generateResponse(history, { ...options, tokenBias });
    }
  };
}

let model: TinyModel;
let runtime: LlamaRuntime;

beforeAll(async () => {
  model = writeTinyModel();
  runtime = await loadLlamaRuntime({ modelPath: model.path, slots: 1, contextSize: 2048, threads: 1, gpu: false });
});

afterAll(async () => {
  await runtime?.dispose();
  await model?.dispose();
});

describe('runGeneration with native function calling', () => {
  test('text, then a streamed tool call without the grammar newlines, finish tool-calls', async () => {
    const steered: LlamaRuntime = {
      ...runtime,
      llamaCpp: { ...llamaCpp, LlamaChat: steeredLlamaChat(runtime, 'Sure.<tool_call>\n{"name": "') },
      chatWrapper: new llamaCpp.QwenChatWrapper(),
      hasNativeToolCalling: true,
    };
    const events: ChatEvent[] = [];
    await runGeneration(steered, runtime.sequences[0]!, {
      request: chatRequest({
        tools: [
          { name: 'get_weather', inputSchema: { type: 'object', properties: { unit: { enum: ['celsius', 'fahrenheit'] } } } },
          { name: 'get_time', inputSchema: { type: 'object', properties: { utc: { type: 'boolean' } } } },
        ],
        parallelToolCalls: false,
        temperature: 0,
        maxOutputTokens: 200,
      }),
      responseId: 'chatcmpl-1',
      modelName: 'tiny',
      newId: counterIds(),
      signal: new AbortController().signal,
      emit: (event) => events.push(event),
    });
    expect(events.map((event) => event.type).join(' ')).toMatch(
      /^response-start text-start( text-delta)+ text-end tool-call-start( tool-call-delta)+ tool-call-end usage response-end$/,
    );
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe('Sure.');
    const start = events.find((event) => event.type === 'tool-call-start');
    expect(start).toEqual({ type: 'tool-call-start', index: 1, callId: 'call_1', name: expect.stringMatching(/^get_(weather|time)$/) });
    const argumentsJson = events.flatMap((event) => (event.type === 'tool-call-delta' ? [event.argumentsJson] : [])).join('');
    expect(argumentsJson).toBe(argumentsJson.trimEnd());
    const parsed = JSON.parse(argumentsJson) as Record<string, unknown>;
    if (start?.type === 'tool-call-start' && start.name === 'get_weather') expect(['celsius', 'fahrenheit']).toContain(parsed['unit']);
    else expect(typeof parsed['utc']).toBe('boolean');
    expect(events.at(-1)).toEqual({ type: 'response-end', finishReason: { unified: 'tool-calls', raw: 'functionCalls' } });
  });
});
