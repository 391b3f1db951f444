import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../support/make-tiny-gguf.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

/**
 * A real `auxot worker gpu --model <gguf>` running llama.cpp in-process (node-llama-cpp, CPU, one
 * thread) on a tiny random-weight model the test writes, connected to a real server.
 */
describe('GPU worker running llama.cpp', () => {
  let server: TestServer;
  let fast: WorkerProcess;
  let slow: WorkerProcess;
  let openai: OpenAI;

  beforeAll(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'auxot-gguf-'));
    const tinyModel = join(directory, 'tiny.gguf');
    writeTinyGguf(tinyModel);
    // A bigger random model (~400 tok/s on one thread): its long answers last seconds, long enough to cancel mid-way.
    const slowModel = join(directory, 'slow.gguf');
    writeTinyGguf(slowModel, { embeddingLength: 256, feedForwardLength: 512, blockCount: 8, contextLength: 2048 });

    server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '500' });
    await server.addProvider({ name: 'gpu-rack', kind: 'gpu-worker', models: ['tiny'] });
    await server.addProvider({ name: 'gpu-slow', kind: 'gpu-worker', models: ['slow'] });
    const key = async (provider: string): Promise<string> => (await server.admin('POST', '/api/admin/worker-keys', { provider, name: provider })).body.key;
    const common = ['--server', server.url, '--threads', '1', '--gpu', 'off'];
    [fast, slow] = await Promise.all([
      startWorkerProcess(['gpu', ...common, '--model', tinyModel, '--model-name', 'tiny', '--slots', '2', '--context-size', '1024', '--name', 'llama-fast'], {
        AUXOT_WORKER_KEY: await key('gpu-rack'),
      }),
      startWorkerProcess(['gpu', ...common, '--model', slowModel, '--model-name', 'slow', '--slots', '1', '--context-size', '2048', '--name', 'llama-slow'], {
        AUXOT_WORKER_KEY: await key('gpu-slow'),
      }),
    ]);
    openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: server.adminKey, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([fast?.stop(), slow?.stop()]);
    await server?.close();
  });

  it('streams a completion through the OpenAI surface, honouring max_tokens', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'tiny', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 24, temperature: 0, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-auxot-tier')).toBe('gpu');
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(24);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams through the Anthropic surface too', async () => {
    const anthropic = new Anthropic({ baseURL: `${server.url}/api/anthropic`, apiKey: server.adminKey, maxRetries: 0 });
    const message = await anthropic.messages.stream({ model: 'tiny', max_tokens: 16, temperature: 0, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage();
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content[0]?.type).toBe('text');
    expect(message.usage.output_tokens).toBe(16);
  });

  it('runs two requests at once on two slots', async () => {
    const timeline: Array<{ request: number; at: number; kind: 'first' | 'last' }> = [];
    const run = async (request: number): Promise<void> => {
      const stream = await openai.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content: `Request ${request}` }],
        max_tokens: 400,
        temperature: 0,
        stream: true,
      });
      let first = true;
      for await (const chunk of stream) {
        if (first && (chunk.choices[0]?.delta.content ?? '') !== '') {
          timeline.push({ request, at: timeline.length, kind: 'first' });
          first = false;
        }
      }
      timeline.push({ request, at: timeline.length, kind: 'last' });
    };
    await Promise.all([run(1), run(2)]);
    const firstOf = (request: number): number => timeline.find((entry) => entry.request === request && entry.kind === 'first')?.at ?? Infinity;
    const lastOf = (request: number): number => timeline.find((entry) => entry.request === request && entry.kind === 'last')?.at ?? -Infinity;
    // Both had started streaming before either finished: they overlapped on separate slots.
    expect(Math.max(firstOf(1), firstOf(2))).toBeLessThan(Math.min(lastOf(1), lastOf(2)));
  });

  it('makes a tool call whose arguments follow the tool schema when the tool is forced', async () => {
    const completion = await openai.chat.completions.create({
      model: 'tiny',
      temperature: 0,
      messages: [{ role: 'user', content: 'Create the team.' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'create_team',
            description: 'Creates a team',
            parameters: {
              type: 'object',
              properties: { name: { type: 'string', maxLength: 12 }, tier: { type: 'string', enum: ['gold', 'silver'] } },
              required: ['name', 'tier'],
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'create_team' } },
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('create_team');
    const args = JSON.parse(call.function.arguments) as { name: unknown; tier: unknown };
    expect(typeof args.name).toBe('string');
    expect(['gold', 'silver']).toContain(args.tier);
  });

  it('stops generating when the caller cancels, and frees the slot at once', async () => {
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: 'slow', messages: [{ role: 'user', content: 'Write at length.' }], max_tokens: 1500, temperature: 0, stream: true },
      { signal: controller.signal },
    );
    let pieces = 0;
    try {
      for await (const chunk of stream) {
        if ((chunk.choices[0]?.delta.content ?? '') !== '' && ++pieces === 5) controller.abort();
      }
    } catch {
      // The SDK reports our own abort.
    }
    expect(pieces).toBe(5);
    // llama.cpp really stopped: the worker reports what the cancelled job generated, well short
    // of the 1500 tokens it was asked for.
    const stopped = await slow.waitForLog((entry) => entry.msg === 'job cancelled; the engine stopped');
    console.log(`cancelled a 1500-token generation after 5 pieces; llama.cpp stopped after ${stopped.outputTokens} tokens`);
    expect(stopped.outputTokens).toBeGreaterThanOrEqual(5);
    expect(stopped.outputTokens).toBeLessThan(1500);
    // The only slot is free again: the next request is served by the same worker.
    const follow = await openai.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8, temperature: 0 });
    expect(follow.usage?.completion_tokens).toBe(8);
    const [followRecord, cancelled] = await server.requestLog(2);
    const slowId = await server.workerId('llama-slow');
    expect(followRecord).toMatchObject({ status: 200, workerId: slowId });
    expect(cancelled).toMatchObject({ clientAborted: true, workerId: slowId });
  });
});
