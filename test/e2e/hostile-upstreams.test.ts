import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStream, type MockDialect, type ScriptedTurn } from '../support/mock-upstreams/index.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { PROVIDERS, startGatewayWithUpstreams, UPSTREAM_KEYS, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { CHAT_PATHS, rawRequest, recordOf, sseMessages } from './helpers/raw-http.js';

/**
 * Upstreams are untrusted input too. A frame that does not parse is never relayed; an error text
 * that quotes a credential reaches nobody with the credential in it.
 */

const TURN: ScriptedTurn = { text: 'Half of an answer, then garbage' };
const SECRET = 'sk-upstream-SECRET-a1B2c3D4e5F6g7H8';

/** The three upstream kinds a same-dialect caller reaches through passthrough. */
const KINDS: Array<{ kind: 'openai' | 'openai-compatible' | 'anthropic'; dialect: MockDialect; model: string }> = [
  { kind: 'openai', dialect: 'openai', model: 'gpt-vendor' },
  { kind: 'openai-compatible', dialect: 'openai', model: PROVIDERS.openai.model },
  { kind: 'anthropic', dialect: 'anthropic', model: PROVIDERS.anthropic.model },
];

function body(dialect: MockDialect, model: string): Record<string, unknown> {
  return dialect === 'openai'
    ? { model, stream: true, messages: [{ role: 'user', content: 'hi' }] }
    : { model, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
}

describe('hostile upstreams', () => {
  let gateway: GatewayWithUpstreams;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
    await gateway.server.addProvider({ name: 'vendor', kind: 'openai', baseUrl: gateway.upstreams.openai.baseUrl, apiKey: UPSTREAM_KEYS.openai, models: ['gpt-vendor'] });
  });
  afterAll(async () => gateway.close());

  it.each(KINDS)('never relays a complete event whose JSON was cut short ($kind upstream): the caller gets an error frame, the record the failure', async ({ dialect, model }) => {
    const events = renderStream(dialect, TURN, body(dialect, model), { sequence: 7, nowMs: Date.UTC(2026, 11, 1) });
    const valid = events.slice(0, 3);
    const cut = dialect === 'openai' ? 'data: {"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"bro\n\n' : 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n';
    gateway.upstreams[dialect].enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: [...valid, cut, ...events.slice(3)] });

    const response = await rawRequest(gateway.server, CHAT_PATHS[dialect], { body: body(dialect, model) });
    expect(response.status).toBe(200);
    // The valid frames before it are byte-identical; then one error frame; nothing of the cut frame, nothing after.
    expect(response.text.startsWith(valid.join(''))).toBe(true);
    const rest = sseMessages(response.text.slice(valid.join('').length));
    expect(rest).toHaveLength(1);
    const frame = JSON.parse(rest[0]?.data ?? '{}');
    if (dialect === 'openai') expect(frame.error.message).toMatch(/malformed/i);
    else expect([rest[0]?.event, frame.type]).toEqual(['error', 'error']);
    expect(response.text).not.toContain('text_del\n');
    expect(response.text).not.toContain('[DONE]');
    expect(response.text).not.toContain('message_stop');

    const record = await recordOf(gateway.server, response.headers.get('x-request-id'));
    expect(record.errorCode).toBe('upstream_error');
    expect(record.errorMessage).toMatch(/malformed/i);
  });

  it.each(['openai', 'anthropic'] as const)('lets the official %s SDK raise an API error mid-stream, not a JSON syntax error inside the caller', async (dialect) => {
    const model = PROVIDERS[dialect].model;
    const events = renderStream(dialect, TURN, body(dialect, model), { sequence: 8, nowMs: Date.UTC(2026, 11, 1) });
    const cut = dialect === 'openai' ? 'data: {"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"bro\n\n' : 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n';
    gateway.upstreams[dialect].enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: [...events.slice(0, 3), cut] });
    const seen: string[] = [];
    const failure = await (async (): Promise<unknown> => {
      try {
        if (dialect === 'openai') {
          const stream = await openAiClient(gateway.server).chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
          for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
        } else {
          const stream = await anthropicClient(gateway.server).messages.create({ model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
          for await (const event of stream) seen.push(event.type);
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen.length).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(dialect === 'openai' ? OpenAI.APIError : Anthropic.APIError);
    expect(failure).not.toBeInstanceOf(SyntaxError);
  });

  it.each(['openai', 'anthropic'] as const)('redacts a credential quoted in an upstream %s error, for the caller and in the record, and keeps the useful text', async (dialect) => {
    const member = (await gateway.server.admin('POST', '/api/admin/keys', { name: `member-${dialect}`, role: 'member' })).body.key as string;
    gateway.upstreams[dialect].enqueue({
      kind: 'status',
      status: 401,
      body:
        dialect === 'openai'
          ? { error: { message: `Incorrect API key provided: ${SECRET}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }
          : { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${SECRET}` } },
    });
    const model = PROVIDERS[dialect].model;
    const request = dialect === 'openai' ? { model, messages: [{ role: 'user', content: 'hi' }] } : { model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const response = await rawRequest(gateway.server, CHAT_PATHS[dialect], { body: request, headers: { authorization: `Bearer ${member}`, 'content-type': 'application/json' } });
    expect(response.status).toBe(502);
    expect(response.text).not.toContain('SECRET');
    expect(response.json.error.message).toMatch(dialect === 'openai' ? /Incorrect API key provided: \[redacted\]/ : /invalid x-api-key: \[redacted\]/);
    const record = await recordOf(gateway.server, response.headers.get('x-request-id'));
    expect(JSON.stringify(record)).not.toContain('SECRET');
    expect(record.errorMessage).toContain('[redacted]');

    gateway.upstreams[dialect].enqueue({
      kind: 'status',
      status: 400,
      body:
        dialect === 'openai'
          ? { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }
          : { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 9001 tokens > 8192 maximum' } },
    });
    const tooLong = await rawRequest(gateway.server, CHAT_PATHS[dialect], { body: request, headers: { authorization: `Bearer ${member}`, 'content-type': 'application/json' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.message).toMatch(/8192/);
  });

  it('redacts a credential in an upstream in-stream error frame, even between same-dialect endpoints', async () => {
    gateway.upstreams.anthropic.enqueue({ kind: 'error-event', afterEvents: 3, errorType: 'api_error', message: `upstream leaked ${SECRET} here` });
    const response = await rawRequest(gateway.server, CHAT_PATHS.anthropic, { body: body('anthropic', PROVIDERS.anthropic.model) });
    expect(response.status).toBe(200);
    expect(response.text).not.toContain('SECRET');
    const error = sseMessages(response.text).find((message) => message.event === 'error');
    expect(JSON.parse(error?.data ?? '{}').error.message).toBe(`upstream leaked [redacted] here`);
  });
});
