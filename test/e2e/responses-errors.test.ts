import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiClient } from './helpers/clients.js';
import { rawRequest, sseMessages } from './helpers/raw-http.js';
import { RESPONSES_UPSTREAMS, startResponsesGateway, type ResponsesGateway } from './helpers/responses-gateway.js';

/** Failures on the Responses surface end the way OpenAI ends them, in the caller's own format. */
describe('Responses API: errors, incomplete and failed answers', () => {
  let gateway: ResponsesGateway;
  let client: OpenAI;
  const compat = RESPONSES_UPSTREAMS.compat.model;
  const openaiModel = RESPONSES_UPSTREAMS.openai.model;
  beforeAll(async () => {
    gateway = await startResponsesGateway();
    client = openAiClient(gateway.server);
  });
  afterAll(async () => gateway?.close());

  it('a bad body is a 400 naming the field, recorded, with nothing sent upstream', async () => {
    const before = gateway.upstreams.compat.requests.length;
    const error = await client.responses.create({ model: compat, input: [{ type: 'function_call', name: 'f', arguments: '{}' } as never] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error', param: 'input[0].call_id' });
    expect(gateway.upstreams.compat.requests.length).toBe(before);
    const [record] = await gateway.server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-responses', status: 400, errorCode: 'invalid_request' });
  });

  it('a chat upstream that stops at its token limit gives response.incomplete (max_output_tokens)', async () => {
    gateway.upstreams.compat.enqueue({ kind: 'turn', turn: { text: 'Once upon a', finish: 'length' } });
    const response = await client.responses.stream({ model: compat, input: 'Tell a story', max_output_tokens: 3, store: false }).finalResponse();
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output_text).toBe('Once upon a');
    gateway.upstreams.anthropic.enqueue({ kind: 'turn', turn: { text: 'Once upon a', finish: 'length' } });
    const whole = await client.responses.create({ model: RESPONSES_UPSTREAMS.anthropic.model, input: 'Tell a story', max_output_tokens: 3, store: false });
    expect(whole).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('a translated stream cut after the first byte ends in an error event and response.failed, which the SDK raises', async () => {
    gateway.upstreams.compat.enqueue({ kind: 'reset-after-events', events: 3, turn: { text: 'partial answer here', fragmentChars: 3 } });
    const raw = await rawRequest(gateway.server, '/api/openai/v1/responses', { body: { model: compat, input: 'hi', stream: true, store: false } });
    expect(raw.status).toBe(200);
    const events = sseMessages(raw.text);
    expect(events.slice(-2).map((event) => event.event)).toEqual(['error', 'response.failed']);
    expect(events.some((event) => event.event === 'response.completed')).toBe(false);
    const failed = JSON.parse(events.at(-1)?.data ?? '{}');
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(events.map((event) => JSON.parse(event.data).sequence_number)).toEqual(events.map((_, position) => position));

    gateway.upstreams.compat.enqueue({ kind: 'reset-after-events', events: 3, turn: { text: 'partial answer here', fragmentChars: 3 } });
    await expect(client.responses.stream({ model: compat, input: 'hi', store: false }).finalResponse()).rejects.toThrow(/mid-stream/);
  });

  it('OpenAI passthrough: a failure after the first byte, or a cut stream, ends with Auxot’s error event', async () => {
    // Before any content the failure is still the router's to handle: the caller gets a clean 502.
    gateway.upstreams.openai.enqueue({ kind: 'error-event', afterEvents: 4, errorType: 'server_error', message: 'model crashed', turn: { text: 'partial answer' } });
    const early = await client.responses.stream({ model: openaiModel, input: 'hi', store: false }).finalResponse().catch((caught: unknown) => caught);
    expect(early).toBeInstanceOf(OpenAI.APIError);
    expect((early as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    // After the first delta the valid bytes have gone out; the upstream's failure frame is never
    // relayed as is (it is untrusted text): Auxot's own error event takes its place, which the SDK raises.
    gateway.upstreams.openai.enqueue({ kind: 'error-event', afterEvents: 6, errorType: 'server_error', message: 'model crashed', turn: { text: 'partial answer' } });
    const failed = await rawRequest(gateway.server, '/api/openai/v1/responses', { body: { model: openaiModel, input: 'hi', stream: true, store: false } });
    const failedEvents = sseMessages(failed.text);
    expect(failedEvents.slice(0, 6).map((event) => JSON.parse(event.data).sequence_number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(failedEvents.map((event) => event.event)).not.toContain('response.failed');
    expect(failedEvents.at(-1)?.event).toBe('error');
    expect(JSON.parse(failedEvents.at(-1)?.data ?? '{}')).toMatchObject({ type: 'error', message: 'model crashed', error: { message: 'model crashed' } });
    gateway.upstreams.openai.enqueue({ kind: 'error-event', afterEvents: 6, errorType: 'server_error', message: 'model crashed', turn: { text: 'partial answer' } });
    await expect(client.responses.stream({ model: openaiModel, input: 'hi', store: false }).finalResponse()).rejects.toThrow('model crashed');
    const [record] = await gateway.server.requestLog(1);
    expect(record).toMatchObject({ surface: 'openai-responses', errorCode: 'upstream_error', errorMessage: 'model crashed' });

    gateway.upstreams.openai.enqueue({ kind: 'reset-after-events', events: 6, turn: { text: 'partial answer' } });
    const raw = await rawRequest(gateway.server, '/api/openai/v1/responses', { body: { model: openaiModel, input: 'hi', stream: true, store: false } });
    const events = sseMessages(raw.text);
    expect(events.slice(0, 4).map((event) => event.event)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(events.at(-1)?.event).toBe('error');
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toMatchObject({ type: 'error', code: 'server_error', error: { code: 'server_error' } });
  });

  it('an upstream 429 before the first byte reaches the caller as OpenAI’s 429, with Retry-After', async () => {
    gateway.upstreams.compat.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const error = await client.responses.create({ model: compat, input: 'hi', store: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
  });
});
