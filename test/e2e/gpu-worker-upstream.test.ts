import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

/**
 * A real `auxot worker gpu --upstream …` process fronting a local OpenAI-compatible inference
 * server (the mock), connected to a real server over the worker WebSocket.
 */
describe('GPU worker in front of an OpenAI-compatible server', () => {
  let server: TestServer;
  let inference: MockUpstream;
  let worker: WorkerProcess;
  let openai: OpenAI;

  beforeAll(async () => {
    inference = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '300' });
    await server.addProvider({ name: 'gpu-rack', kind: 'gpu-worker', models: ['local-model'] });
    const created = await server.admin('POST', '/api/admin/worker-keys', { provider: 'gpu-rack', name: 'rack-1' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^axw_/);
    worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', inference.baseUrl, '--models', 'local-model', '--slots', '2', '--name', 'rack-1'], {
      AUXOT_WORKER_KEY: created.body.key,
    });
    openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: server.adminKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await inference?.close();
  });

  it('lists the connected worker and serves a streamed answer through the OpenAI surface', async () => {
    const workers = await server.admin('GET', '/api/admin/workers');
    expect(workers.body.data).toEqual([
      expect.objectContaining({ name: 'rack-1', provider: 'gpu-rack', engine: 'openai-compatible', models: ['local-model'], slots: 2, busy: 0 }),
    ]);
    inference.enqueue({ kind: 'turn', turn: { text: 'Tokens from my own GPU.', usage: { input: 11, output: 6 } } });
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'local-model', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-auxot-tier')).toBe('gpu');
    expect(response.headers.get('x-auxot-provider')).toBe('gpu-rack');
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Tokens from my own GPU.');
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 6 });
    const [upstreamRequest] = inference.requests.slice(-1);
    expect(upstreamRequest?.body).toMatchObject({ model: 'local-model', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const [record] = await server.requestLog(1);
    // The record names the worker by the id `workers list` shows: its key's id.
    expect(record).toMatchObject({ tier: 'gpu', workerId: workers.body.data[0].id, status: 200, inputTokens: 11, outputTokens: 6 });
    expect(workers.body.data[0].id).toMatch(/^wkey_/);
  });

  it('serves the Anthropic surface, tool calls included', async () => {
    inference.enqueue({ kind: 'turn', turn: { toolCalls: [{ id: 'call_w1', name: 'lookup', arguments: '{"q":"weather"}' }], fragmentChars: 2 } });
    const anthropic = new Anthropic({ baseURL: `${server.url}/api/anthropic`, apiKey: server.adminKey, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({
        model: 'local-model',
        max_tokens: 100,
        tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
        messages: [{ role: 'user', content: 'look it up' }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_w1', name: 'lookup', input: { q: 'weather' }, caller: undefined }].map(({ caller: _caller, ...rest }) => expect.objectContaining(rest)));
  });

  it('sends connected workers their new policy when the provider changes', async () => {
    const changed = await server.admin('PATCH', '/api/admin/providers/gpu-rack', { models: ['local-model', 'second-model'], settings: { maxConcurrency: 1 } });
    expect(changed.status).toBe(200);
    await worker.waitForLog((entry) => entry.msg === 'policy updated' && entry.models === 'local-model,second-model');
    expect((await server.admin('GET', '/api/admin/workers')).body.data).toHaveLength(1);
    const reverted = await server.admin('PATCH', '/api/admin/providers/gpu-rack', { models: ['local-model'], settings: {} });
    expect(reverted.status).toBe(200);
  });

  it('cancels the job on the worker when the caller hangs up, and frees the slot', async () => {
    inference.enqueue({ kind: 'turn', turn: { text: 'x'.repeat(400), fragmentChars: 1, delayMs: 20 } });
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: 'local-model', messages: [{ role: 'user', content: 'long answer please' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    const abortedAt = await (async () => {
      try {
        for await (const chunk of stream) {
          received += chunk.choices[0]?.delta.content?.length ?? 0;
          if (received >= 5) {
            const at = performance.now();
            controller.abort();
            return at;
          }
        }
      } catch {
        // The SDK throws an abort error once we abort.
      }
      throw new Error('stream ended before the abort');
    })();
    const [upstreamRequest] = inference.requests.slice(-1);
    if (upstreamRequest === undefined) throw new Error('no upstream request');
    const upstreamSawAbortAt = await inference.waitForAbort(upstreamRequest, 5_000);
    const latencyMs = upstreamSawAbortAt - abortedAt;
    // The abort reaching the worker's upstream is the event under test; how fast is for `npm run bench`.
    console.log(`caller hang-up → worker's upstream request aborted in ${latencyMs.toFixed(1)} ms`);
    await expect.poll(async () => (await server.admin('GET', '/api/admin/workers')).body.data[0].busy).toBe(0);
  });
});
