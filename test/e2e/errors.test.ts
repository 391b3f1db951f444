import { createServer } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockDialect } from '../support/mock-upstreams/index.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { errorTypeFor, expectDialectError } from './helpers/dialect-errors.js';
import { PROVIDERS, startGatewayWithUpstreams, UPSTREAM_KEYS, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { CHAT_PATHS, postChunked, rawRequest, type RawResponse } from './helpers/raw-http.js';
import { expectStillServing, RequestLedger, requestIdOf } from './helpers/request-ledger.js';

/**
 * Bad input and failures before the first byte: each ends in a clear error in the caller's own
 * dialect and status, the SDK raises the matching class, the server keeps answering, and each
 * request leaves exactly one record.
 */

const MAX_BODY_BYTES = 20_000;
const SURFACES = ['openai', 'anthropic'] as const;
const VALID: Record<MockDialect, Record<string, unknown>> = {
  openai: { model: PROVIDERS.openai.model, messages: [{ role: 'user', content: 'hi' }] },
  anthropic: { model: PROVIDERS.openai.model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] },
};
const without = (body: Record<string, unknown>, field: string): Record<string, unknown> => {
  const copy = { ...body };
  delete copy[field];
  return copy;
};

/** [surface, what is wrong, body, a word the message must contain] */
const BAD_BODIES: Array<[MockDialect, string, string | Record<string, unknown>, string]> = [
  ['openai', 'malformed JSON', '{"model": "oa-model", "messages": [', 'JSON'],
  ['openai', 'an empty body', '', 'empty'],
  ['openai', 'an array body', '[]', 'object'],
  ['openai', 'a numeric model', { ...VALID.openai, model: 42 }, 'model'],
  ['openai', 'messages as a string', { ...VALID.openai, messages: 'hi' }, 'messages'],
  ['openai', 'an unknown role', { ...VALID.openai, messages: [{ role: 'wizard', content: 'hi' }] }, 'role'],
  ['openai', 'no model', without(VALID.openai, 'model'), 'model'],
  ['openai', 'no messages', without(VALID.openai, 'messages'), 'messages'],
  ['anthropic', 'malformed JSON', '{"model": "x", "max_tokens": 5,', 'JSON'],
  ['anthropic', 'max_tokens as a string', { ...VALID.anthropic, max_tokens: 'ten' }, 'max_tokens'],
  ['anthropic', 'content as a number', { ...VALID.anthropic, messages: [{ role: 'user', content: 7 }] }, 'content'],
  ['anthropic', 'no model', without(VALID.anthropic, 'model'), 'model'],
  ['anthropic', 'no messages', without(VALID.anthropic, 'messages'), 'messages'],
  ['anthropic', 'no max_tokens', without(VALID.anthropic, 'max_tokens'), 'max_tokens'],
];

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('errors before the first byte', () => {
  let gateway: GatewayWithUpstreams;
  let ledger: RequestLedger;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams({ env: { AUXOT_MAX_BODY_BYTES: String(MAX_BODY_BYTES), AUXOT_BREAKER_FAILURES: '1000' } });
    await gateway.server.addProvider({ name: 'gone', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, models: ['gone-model'] });
    // A 429 with Retry-After rests its provider for that long; these keep the shared ones serving.
    for (const dialect of SURFACES) {
      const upstream = gateway.upstreams[dialect];
      const kind = dialect === 'openai' ? 'openai-compatible' : 'anthropic';
      await gateway.server.addProvider({ name: `limited-${dialect}`, kind, baseUrl: upstream.baseUrl, apiKey: UPSTREAM_KEYS[dialect], models: [`limited-${dialect}`] });
    }
    ledger = new RequestLedger(gateway.server);
    openai = openAiClient(gateway.server);
    anthropic = anthropicClient(gateway.server);
  });
  afterAll(async () => gateway.close());

  /** The server still answers a normal request, and every request of the test left exactly one record. */
  afterEach(async () => {
    await expectStillServing(openai, PROVIDERS.openai.model, ledger);
    await ledger.expectOneRecordEach();
  });

  const post = async (dialect: MockDialect, body: unknown, headers?: Record<string, string>): Promise<RawResponse> => {
    const response = await rawRequest(gateway.server, CHAT_PATHS[dialect], {
      body,
      headers: headers ?? { authorization: `Bearer ${gateway.server.adminKey}`, 'content-type': 'application/json' },
    });
    ledger.track(response.headers.get('x-request-id'));
    return response;
  };

  it.each(BAD_BODIES)('%s surface: %s → 400 naming the problem', async (dialect, _what, body, word) => {
    const response = await post(dialect, body);
    const message = expectDialectError(dialect, response, 400, errorTypeFor(dialect, 400));
    expect(message.toLowerCase()).toContain(word.toLowerCase());
  });

  it('the SDKs raise BadRequestError for bad bodies', async () => {
    const badOpenAi = await openai.chat.completions.create({ model: 'oa-model', messages: 'hi' as never }).catch((error: unknown) => error);
    expect(badOpenAi).toBeInstanceOf(OpenAI.BadRequestError);
    ledger.track(requestIdOf(badOpenAi));
    const badAnthropic = await anthropic.messages
      .create({ model: 'oa-model', messages: [{ role: 'user', content: 'hi' }] } as never)
      .catch((error: unknown) => error);
    expect(badAnthropic).toBeInstanceOf(Anthropic.BadRequestError);
    expect((badAnthropic as Error).message).toContain('max_tokens');
    ledger.track(requestIdOf(badAnthropic));
  });

  it.each(SURFACES)('%s surface: an unknown model → 404 and NotFoundError', async (dialect) => {
    const response = await post(dialect, { ...VALID[dialect], model: 'no-such-model' });
    expect(expectDialectError(dialect, response, 404)).toContain('no-such-model');
    if (dialect === 'openai') expect(response.json.error.code).toBe('model_not_found');
    else expect(response.json.error.type).toBe('not_found_error');
    const error =
      dialect === 'openai'
        ? await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)
        : await anthropic.messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(dialect === 'openai' ? OpenAI.NotFoundError : Anthropic.NotFoundError);
    ledger.track(requestIdOf(error));
  });

  it.each(SURFACES)('%s surface: a body over AUXOT_MAX_BODY_BYTES → 413, one under it passes', async (dialect) => {
    const oversized = { ...VALID[dialect], messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES) }] };
    const response = await post(dialect, oversized);
    expect(expectDialectError(dialect, response, 413, dialect === 'openai' ? 'invalid_request_error' : 'request_too_large')).toContain(String(MAX_BODY_BYTES));
    const fits = await post(dialect, { ...VALID[dialect], messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES - 500) }] });
    expect(fits.status).toBe(200);
    const error =
      dialect === 'openai'
        ? await openai.chat.completions.create(oversized as never).catch((e: unknown) => e)
        : await anthropic.messages.create(oversized as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(dialect === 'openai' ? OpenAI.APIError : Anthropic.ContentTooLargeError);
    expect((error as { status?: number }).status).toBe(413);
    ledger.track(requestIdOf(error));
  });

  it.each(SURFACES)('%s surface: a chunked body that grows past the limit → 413 too', async (dialect) => {
    const opening = JSON.stringify({ ...VALID[dialect], messages: [{ role: 'user', content: 'x' }] }).replace('"content":"x"', '"content":"');
    const pieces = [opening, ...Array.from({ length: 15 }, () => 'y'.repeat(2_000)), '"}]}'];
    const headers = { authorization: `Bearer ${gateway.server.adminKey}`, 'content-type': 'application/json' };
    const response = await postChunked(gateway.server, CHAT_PATHS[dialect], pieces, headers);
    expect(response.error).toBeUndefined();
    expect(response.status).toBe(413);
    const body = JSON.parse(response.text) as { error: { type: string; message: string } };
    expect(body.error.type).toBe(dialect === 'openai' ? 'invalid_request_error' : 'request_too_large');
    expect(body.error.message).toContain(String(MAX_BODY_BYTES));
    ledger.track(response.headers?.['x-request-id'] as string | undefined);
  });

  it.each(SURFACES)('%s surface: a missing or wrong key → 401 and AuthenticationError', async (dialect) => {
    const json = { 'content-type': 'application/json' };
    const missing = await post(dialect, VALID[dialect], json);
    expectDialectError(dialect, missing, 401, dialect === 'openai' ? 'invalid_request_error' : 'authentication_error');
    expectDialectError(dialect, await post(dialect, VALID[dialect], { ...json, authorization: 'Bearer axk_wrong' }), 401);
    expectDialectError(dialect, await post(dialect, VALID[dialect], { ...json, 'x-api-key': 'axk_wrong' }), 401);
    const client = dialect === 'openai' ? openAiClient(gateway.server, 'axk_wrong') : anthropicClient(gateway.server, 'axk_wrong');
    const error =
      client instanceof OpenAI
        ? await client.chat.completions.create(VALID.openai as never).catch((e: unknown) => e)
        : await client.messages.create(VALID.anthropic as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(dialect === 'openai' ? OpenAI.AuthenticationError : Anthropic.AuthenticationError);
    ledger.track(requestIdOf(error));
  });

  it.each(SURFACES)('%s surface: accepts the key as Bearer and as x-api-key', async (dialect) => {
    const json = { 'content-type': 'application/json' };
    expect((await post(dialect, VALID[dialect], { ...json, authorization: `Bearer ${gateway.server.adminKey}` })).status).toBe(200);
    expect((await post(dialect, VALID[dialect], { ...json, 'x-api-key': gateway.server.adminKey })).status).toBe(200);
  });

  it('the admin API refuses an unknown provider kind with 400 listing the kinds', async () => {
    const response = await gateway.server.admin('POST', '/api/admin/providers', { name: 'x', kind: 'azure-magic', baseUrl: 'http://127.0.0.1:1/v1', models: ['m'] });
    expect(response.status).toBe(400);
    expect(response.body.error.type).toBe('invalid_request');
    for (const kind of ['openai', 'anthropic', 'openai-compatible']) expect(response.body.error.message).toContain(kind);
    expect(response.body.error.message).toContain('azure-magic');
  });

  it.each([false, true])('an unreachable upstream → a clean 502 on both surfaces, at once (stream=%s)', async (stream) => {
    for (const dialect of SURFACES) {
      const response = await post(dialect, { ...VALID[dialect], model: 'gone-model', stream });
      // At once: the refused connection itself is the answer, not a timeout or a retry loop.
      expect(expectDialectError(dialect, response, 502, errorTypeFor(dialect, 502))).toMatch(/gone is unreachable \(ECONNREFUSED\)/);
    }
    const error = await openai.chat.completions.create({ model: 'gone-model', messages: [{ role: 'user', content: 'x' }], stream }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    ledger.track(requestIdOf(error));
  });

  it.each([
    { dialect: 'openai', upstream: 'anthropic', status: 400, expected: 400 },
    { dialect: 'anthropic', upstream: 'openai', status: 400, expected: 400 },
    { dialect: 'anthropic', upstream: 'anthropic', status: 400, expected: 400 },
    { dialect: 'openai', upstream: 'openai', status: 404, expected: 404 },
    // The provider's own key was refused: not the caller's fault, so not a 401 for the caller.
    { dialect: 'anthropic', upstream: 'anthropic', status: 401, expected: 502 },
    { dialect: 'openai', upstream: 'anthropic', status: 429, expected: 429 },
    { dialect: 'anthropic', upstream: 'openai', status: 429, expected: 429 },
  ] as const)('an upstream $status reaches a $dialect caller from a $upstream upstream as $expected with its message', async ({ dialect, upstream, status, expected }) => {
    const upstreamMessage = `upstream says no (${status}) to this request`;
    const body = upstream === 'openai' ? { error: { message: upstreamMessage, type: 'invalid_request_error', param: null, code: null } } : { type: 'error', error: { type: 'invalid_request_error', message: upstreamMessage } };
    gateway.upstreams[upstream].enqueue({ kind: 'status', status, body, headers: status === 429 ? { 'retry-after': '7' } : {} });
    const response = await post(dialect, { ...VALID[dialect], model: status === 429 ? `limited-${upstream}` : PROVIDERS[upstream].model });
    expect(expectDialectError(dialect, response, expected, errorTypeFor(dialect, expected))).toContain(upstreamMessage);
    if (status === 429) expect(response.headers.get('retry-after')).toBe('7');
  });
});
