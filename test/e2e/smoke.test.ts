import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('smoke', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-upstream' });
    server = await startTestServer();
    await server.addProvider({ name: 'local', kind: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: 'sk-upstream', models: ['gpt-mock'] });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('answers through both surfaces', async () => {
    upstream.enqueue({ kind: 'turn', turn: { text: 'Hello there' } }, { kind: 'turn', turn: { text: 'Hi from anthropic surface' } });
    const openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: server.adminKey, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello there');
    const anthropic = new Anthropic({ baseURL: `${server.url}/api/anthropic`, apiKey: server.adminKey, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'gpt-mock', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hi from anthropic surface' }]);
  });
});
