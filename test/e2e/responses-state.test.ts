import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiClient } from './helpers/clients.js';
import { rawRequest } from './helpers/raw-http.js';
import { RESPONSES_UPSTREAMS, startResponsesGateway, type ResponsesGateway, type ResponsesUpstream } from './helpers/responses-gateway.js';

/**
 * Responses kept by Auxot: `previous_response_id` continues a conversation on any upstream (the
 * upstream always receives the whole conversation, statelessly), `GET`/`DELETE
 * /v1/responses/{id}` read and remove them, and another key never sees them.
 */
describe('Responses API state: previous_response_id, retrieve, delete', () => {
  let gateway: ResponsesGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gateway = await startResponsesGateway();
    client = openAiClient(gateway.server);
  });
  afterAll(async () => gateway?.close());

  it.each(['openai', 'compat', 'anthropic'] as const)('continues a function-call conversation from a stored response (%s upstream)', async (name: ResponsesUpstream) => {
    const upstream = gateway.upstreams[name];
    const { model } = RESPONSES_UPSTREAMS[name];
    upstream.enqueue({ kind: 'turn', turn: { toolCalls: [{ id: 'call_lookup_1', name: 'lookup', arguments: '{"q":"Auxot"}' }] } });
    const first = await client.responses.stream({
      model,
      instructions: 'Use the tool.',
      input: 'Look up Auxot.',
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }],
    }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ call_id: 'call_lookup_1', name: 'lookup', arguments: '{"q":"Auxot"}' });

    upstream.enqueue({ kind: 'turn', turn: { text: 'Auxot is a gateway.' } });
    const second = await client.responses.create({
      model,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'call_lookup_1', output: 'a self-hosted AI gateway' }],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }],
    });
    expect(second.output_text).toBe('Auxot is a gateway.');

    // The upstream got the conversation in full, and no reference it could not resolve.
    const body = upstream.requests.at(-1)?.body as Record<string, any>;
    expect(body.previous_response_id).toBeUndefined();
    if (name === 'openai') {
      expect(body.input.map((item: any) => item.type ?? 'message')).toEqual(['message', 'function_call', 'function_call_output']);
      expect(body.input[0]).toEqual({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Look up Auxot.' }] });
      expect(body.input[1]).toMatchObject({ type: 'function_call', call_id: 'call_lookup_1', name: 'lookup' });
    } else if (name === 'compat') {
      expect(body.messages.map((message: any) => message.role)).toEqual(['user', 'assistant', 'tool']);
      expect(body.messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_lookup_1', content: 'a self-hosted AI gateway' });
    } else {
      expect(body.messages.map((message: any) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect(body.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_lookup_1' });
    }

    // Both answers can be read back exactly as they were received, with their input.
    const firstAgain = await rawRequest(gateway.server, `/api/openai/v1/responses/${first.id}`);
    expect(firstAgain.json).toMatchObject({ id: first.id, object: 'response', status: 'completed', store: true, instructions: 'Use the tool.', usage: first.usage });
    expect(firstAgain.json.output).toEqual(first.output.map(({ parsed_arguments: _parsed, ...item }: any) => item));
    const retrieved = await client.responses.retrieve(second.id);
    expect(retrieved.id).toBe(second.id);
    expect(retrieved.output).toEqual(second.output);
    const items = await rawRequest(gateway.server, `/api/openai/v1/responses/${second.id}/input_items`);
    expect(items.status).toBe(200);
    expect(items.json.data.map((item: any) => item.type ?? 'message')).toEqual(['message', 'function_call', 'function_call_output']);
  });

  it('keeps nothing for store:false, and 404s an unknown or foreign id in OpenAI’s error shape', async () => {
    const upstream = gateway.upstreams.compat;
    upstream.enqueue({ kind: 'turn', turn: { text: 'not kept' } });
    const unkept = await client.responses.create({ model: RESPONSES_UPSTREAMS.compat.model, input: 'hello', store: false });
    await expect(client.responses.retrieve(unkept.id)).rejects.toMatchObject({ status: 404 });

    upstream.enqueue({ kind: 'turn', turn: { text: 'kept' } });
    const kept = await client.responses.create({ model: RESPONSES_UPSTREAMS.compat.model, input: 'hello' });
    const other = await gateway.server.admin('POST', '/api/admin/keys', { name: 'someone-else' });
    const stranger = openAiClient(gateway.server, other.body.key);
    const foreign = await stranger.responses.retrieve(kept.id).catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(OpenAI.NotFoundError);
    expect((foreign as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({ message: `Response with id '${kept.id}' not found.`, type: 'invalid_request_error', param: 'response_id', code: null });
    const requestsBefore = upstream.requests.length;
    const continued = await stranger.responses.create({ model: RESPONSES_UPSTREAMS.compat.model, previous_response_id: kept.id, input: 'more' }).catch((error: unknown) => error);
    expect(continued).toBeInstanceOf(OpenAI.NotFoundError);
    expect((continued as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ param: 'previous_response_id' });
    expect(upstream.requests.length).toBe(requestsBefore);
    const [record] = await gateway.server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-responses', status: 404, errorCode: 'not_found' });

    // Delete: the owner only, once.
    await expect(stranger.responses.delete(kept.id)).rejects.toMatchObject({ status: 404 });
    const deleted = await rawRequest(gateway.server, `/api/openai/v1/responses/${kept.id}`, { method: 'DELETE' });
    expect(deleted.json).toEqual({ id: kept.id, object: 'response', deleted: true });
    await expect(client.responses.retrieve(kept.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.delete(kept.id)).rejects.toMatchObject({ status: 404 });
  });
});
