import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { mockEmbedding, startMockUpstream, type MockUpstream, type ScriptedTurn } from './index.js';

/** The mock's `/v1/responses` and `/v1/embeddings` checked against the official SDK, which is what Auxot is then checked against. */

let mock: MockUpstream;
let client: OpenAI;

beforeEach(async () => {
  mock = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-test' });
  client = new OpenAI({ baseURL: mock.baseUrl, apiKey: 'sk-test', maxRetries: 0 });
});

afterEach(async () => {
  await mock.close();
});

const TURN: ScriptedTurn = {
  reasoning: 'Two lookups are needed.',
  text: 'Checking both.',
  toolCalls: [
    { name: 'get_weather', arguments: '{"city":"Paris"}' },
    { id: 'call_fixed', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
  ],
  usage: { input: 40, output: 25, cacheRead: 10, reasoning: 3 },
  fragmentChars: 2,
};

describe('openai SDK against the mock Responses API', () => {
  test('responses.stream assembles reasoning, text and parallel function calls; finalResponse has usage', async () => {
    mock.enqueue({ kind: 'turn', turn: TURN });
    const stream = client.responses.stream({ model: 'gpt-test', input: 'Weather and time in Paris?', include: ['reasoning.encrypted_content'] });
    const types: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    const response = await stream.finalResponse();
    expect(response.id).toBe('resp_mock1');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Checking both.');
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    const [reasoning, , weather, time] = response.output;
    expect(reasoning).toEqual({ id: 'rs_mock1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Two lookups are needed.' }], encrypted_content: 'sig-test' });
    expect(weather).toMatchObject({ type: 'function_call', call_id: 'call_mock1_0', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    expect(time).toMatchObject({ call_id: 'call_fixed', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' });
    expect(response.usage).toEqual({
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 },
      output_tokens: 25,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 75,
    });
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types.at(-1)).toBe('response.completed');
    const [request] = await mock.waitForRequests(1);
    expect(request?.path).toBe('/v1/responses');
    expect(request?.body).toMatchObject({ model: 'gpt-test', stream: true, input: 'Weather and time in Paris?' });
  });

  test('responses.create without streaming returns the same Response object', async () => {
    mock.enqueue({ kind: 'turn', turn: { text: 'Plain answer.' } });
    const response = await client.responses.create({ model: 'gpt-test', input: [{ role: 'user', content: 'hi' }], instructions: 'Be brief.' });
    expect(response).toMatchObject({ id: 'resp_mock1', object: 'response', status: 'completed', instructions: 'Be brief.', model: 'gpt-test' });
    expect(response.output_text).toBe('Plain answer.');
  });

  test('a length finish is response.incomplete with max_output_tokens; a scripted failure is response.failed', async () => {
    mock.enqueue({ kind: 'turn', turn: { text: 'cut off here', finish: 'length' } });
    const incomplete = await client.responses.stream({ model: 'gpt-test', input: 'long', max_output_tokens: 3 }).finalResponse();
    expect(incomplete.status).toBe('incomplete');
    expect(incomplete.incomplete_details).toEqual({ reason: 'max_output_tokens' });

    mock.enqueue({ kind: 'error-event', afterEvents: 4, message: 'model crashed', turn: { text: 'partial answer' } });
    const failed = await client.responses.stream({ model: 'gpt-test', input: 'fail' }).finalResponse();
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'server_error', message: 'model crashed' });
  });

  test('embeddings: the SDK default (base64) and floats decode to the same unit vectors', async () => {
    const base64 = await client.embeddings.create({ model: 'emb-test', input: ['alpha', 'beta'] });
    expect(base64.data.map((item) => item.embedding)).toEqual([mockEmbedding('alpha', 8), mockEmbedding('beta', 8)]);
    expect(base64.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const floats = await client.embeddings.create({ model: 'emb-test', input: 'alpha', encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(mockEmbedding('alpha', 4));
    expect(Math.hypot(...(floats.data[0]?.embedding ?? []))).toBeCloseTo(1, 5);
    const sent = mock.allRequests.filter((request) => request.path === '/v1/embeddings').map((request) => request.body);
    expect(sent).toEqual([
      { model: 'emb-test', input: ['alpha', 'beta'], encoding_format: 'base64' },
      { model: 'emb-test', input: 'alpha', encoding_format: 'float', dimensions: 4 },
    ]);
  });
});
