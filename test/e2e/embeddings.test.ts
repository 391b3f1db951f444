import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../support/make-tiny-gguf.js';
import { mockEmbedding, mockEmbeddingTokens, startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { openAiClient } from './helpers/clients.js';
import { rawRequest } from './helpers/raw-http.js';

/**
 * `POST /v1/embeddings` routed like chat: to an OpenAI-compatible upstream stand-in, to one that
 * only answers floats, and to real GPU workers: llama.cpp's embedding context on a tiny
 * embedding GGUF the test writes, and a worker fronting a local server.
 */
describe('embeddings through every provider that serves them', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let floatsOnly: MockUpstream;
  let local: MockUpstream;
  let llamaWorker: WorkerProcess;
  let frontWorker: WorkerProcess;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-emb' });
    floatsOnly = await startMockUpstream({ dialect: 'openai', embeddingsFloatOnly: true });
    local = await startMockUpstream({ dialect: 'openai' });
    const anthropic = await startMockUpstream({ dialect: 'anthropic' });
    server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '500' });
    await server.addProvider({ name: 'cloud', kind: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-emb', models: ['text-embedding-3-small'] });
    await server.addProvider({ name: 'old-llama', kind: 'openai-compatible', baseUrl: floatsOnly.baseUrl, models: ['nomic-embed'] });
    await server.addProvider({ name: 'claude', kind: 'anthropic', baseUrl: anthropic.baseUrl, models: ['claude-embed'] });
    await server.addProvider({ name: 'gpu-embed', kind: 'gpu-worker', models: ['tiny-embed'] });
    await server.addProvider({ name: 'gpu-front', kind: 'gpu-worker', models: ['bge-local'] });
    const model = join(mkdtempSync(join(tmpdir(), 'auxot-embed-')), 'tiny-embed.gguf');
    writeTinyGguf(model, { poolingType: 1 });
    const key = async (provider: string): Promise<string> => (await server.admin('POST', '/api/admin/worker-keys', { provider, name: provider })).body.key;
    [llamaWorker, frontWorker] = await Promise.all([
      startWorkerProcess(['gpu', '--server', server.url, '--model', model, '--model-name', 'tiny-embed', '--slots', '1', '--context-size', '256', '--threads', '1', '--gpu', 'off', '--name', 'embed-box'], {
        AUXOT_WORKER_KEY: await key('gpu-embed'),
      }),
      startWorkerProcess(['gpu', '--server', server.url, '--upstream', local.baseUrl, '--models', 'bge-local', '--slots', '1', '--name', 'front-box'], { AUXOT_WORKER_KEY: await key('gpu-front') }),
    ]);
    await anthropic.close();
    client = openAiClient(server);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([llamaWorker?.stop(), frontWorker?.stop()]);
    await server?.close();
    await Promise.all([upstream?.close(), floatsOnly?.close(), local?.close()]);
  });

  it('an OpenAI upstream: the SDK default (base64) and floats give the upstream’s vectors and usage; the call is recorded', async () => {
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'] }).withResponse();
    expect(data.data.map((item) => [item.index, item.object])).toEqual([
      [0, 'embedding'],
      [1, 'embedding'],
    ]);
    expect(data.data.map((item) => item.embedding)).toEqual([mockEmbedding('alpha', 8), mockEmbedding('beta gamma', 8)]);
    const tokens = mockEmbeddingTokens('alpha') + mockEmbeddingTokens('beta gamma');
    expect(data.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(response.headers.get('x-auxot-provider')).toBe('cloud');
    // What the upstream got: the caller's body, its own key, base64 as the SDK asked.
    const sent = upstream.allRequests.at(-1);
    expect(sent?.path).toBe('/v1/embeddings');
    expect(sent?.headers.authorization).toBe('Bearer sk-emb');
    expect(sent?.body).toEqual({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'base64' });
    const [record] = await server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-embeddings', status: 200, providerModel: 'text-embedding-3-small', tier: 'cloud', inputTokens: tokens, outputTokens: 0, decision: [{ provider: 'cloud', outcome: 'used' }] });
    expect(record.id).toBe(response.headers.get('x-request-id'));

    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(mockEmbedding('alpha', 4));
    expect(upstream.allRequests.at(-1)?.body).toMatchObject({ dimensions: 4, encoding_format: 'float' });
  });

  it('an upstream that answers only floats still gives a base64 caller base64', async () => {
    const raw = await rawRequest(server, '/api/openai/v1/embeddings', { body: { model: 'nomic-embed', input: 'alpha', encoding_format: 'base64' } });
    expect(raw.status).toBe(200);
    const encoded = raw.json.data[0].embedding as string;
    expect(typeof encoded).toBe('string');
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(mockEmbedding('alpha', 8));
  });

  it('a GPU worker runs llama.cpp’s embedding context on a tiny embedding GGUF: unit vectors, deterministic, counted', async () => {
    const { data, response } = await client.embeddings.create({ model: 'tiny-embed', input: ['hello world', 'a different text'] }).withResponse();
    expect(response.headers.get('x-auxot-tier')).toBe('gpu');
    expect(data.data).toHaveLength(2);
    for (const item of data.data) {
      expect(item.embedding).toHaveLength(64);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 4);
    }
    expect(data.data[0]?.embedding).not.toEqual(data.data[1]?.embedding);
    const again = await client.embeddings.create({ model: 'tiny-embed', input: 'hello world', encoding_format: 'float' });
    expect(again.data[0]?.embedding).toEqual(data.data[0]?.embedding);
    // Usage is llama.cpp's own token count: a batch costs what its texts cost one by one, at least a token per byte here.
    const other = await client.embeddings.create({ model: 'tiny-embed', input: 'a different text' });
    expect(again.usage.prompt_tokens).toBeGreaterThanOrEqual('hello world'.length);
    expect(data.usage.prompt_tokens).toBe(again.usage.prompt_tokens + other.usage.prompt_tokens);
    const short = await client.embeddings.create({ model: 'tiny-embed', input: 'hello world', dimensions: 8 });
    expect(short.data[0]?.embedding).toHaveLength(8);
    const [record] = await server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-embeddings', tier: 'gpu', workerId: await server.workerId('embed-box'), status: 200, inputTokens: short.usage.prompt_tokens });
    expect(short.usage.prompt_tokens).toBe(again.usage.prompt_tokens);
  });

  it('a GPU worker in front of a local server forwards to its /embeddings', async () => {
    const result = await client.embeddings.create({ model: 'bge-local', input: ['one', 'two'] });
    expect(result.data.map((item) => item.embedding)).toEqual([mockEmbedding('one', 8), mockEmbedding('two', 8)]);
    expect(local.allRequests.at(-1)?.body).toEqual({ model: 'bge-local', input: ['one', 'two'], encoding_format: 'float' });
    const [record] = await server.requestLog(1);
    expect(record).toMatchObject({ tier: 'gpu', workerId: await server.workerId('front-box'), inputTokens: 2 });
  });

  it('refuses what no provider can embed, and bad input, in OpenAI’s error shape, each recorded', async () => {
    const noEmbeddings = await client.embeddings.create({ model: 'claude-embed', input: 'x' }).catch((error: unknown) => error);
    expect(noEmbeddings).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noEmbeddings as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('serves embeddings');
    const tokens = await rawRequest(server, '/api/openai/v1/embeddings', { body: { model: 'tiny-embed', input: [[1, 2, 3]] } });
    expect(tokens.status).toBe(400);
    expect(tokens.json.error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
    const unknown = await rawRequest(server, '/api/openai/v1/embeddings', { body: { model: 'nope', input: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'model_not_found' });
    const records = await server.requestLog(3);
    expect(records.map((record) => [record.surface, record.status])).toEqual([
      ['openai-embeddings', 404],
      ['openai-embeddings', 400],
      ['openai-embeddings', 400],
    ]);
  });
});
