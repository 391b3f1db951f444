import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { openAiClient } from './helpers/clients.js';

describe('GET /api/openai/v1/models/{id}', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.addProvider({ name: 'local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['Qwen/Qwen3-8B', 'bge-*'] });
  });
  afterAll(async () => server?.close());

  it('retrieves one listed model (ids with a slash too), and 404s an unknown one as model_not_found', async () => {
    const client = openAiClient(server);
    const listed = await client.models.list();
    const model = await client.models.retrieve('Qwen/Qwen3-8B');
    expect(model).toEqual(listed.data.find((entry) => entry.id === 'Qwen/Qwen3-8B'));
    expect(model).toMatchObject({ id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'local' });
    const missing = await client.models.retrieve('gpt-none').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });
});
