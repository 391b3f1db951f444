import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBody, renderStream, splitForWrites, type MockDialect, type Scenario, type ScriptedTurn } from '../support/mock-upstreams/index.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { PROVIDERS, startGatewayWithUpstreams, UPSTREAM_KEYS, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { CHAT_PATHS, rawRequest, recordOf, sseMessages } from './helpers/raw-http.js';

/**
 * Same dialect in and out: the upstream's bytes reach the caller unchanged, the caller's body
 * reaches the upstream unchanged but for the model (and, for an OpenAI stream, the usage Auxot
 * asks for to meter it), while usage is still recorded from a decoded copy.
 */

const NOW_MS = Date.UTC(2026, 10, 24, 12, 0, 0);
const USAGE = { input: 50, output: 7, cacheRead: 20, cacheWrite: 4 };
const TURN: ScriptedTurn = {
  reasoning: 'Pondering…',
  text: 'Grüße — déjà vu ✓',
  toolCalls: [{ id: 'call_pass_1', name: 'lookup', arguments: '{"q":"naïve"}' }],
  usage: USAGE,
};
const OPENAI_BODY = {
  model: PROVIDERS.openai.model,
  messages: [{ role: 'user', content: 'Say hi' }],
  temperature: 0.3,
  logit_bias: { '50256': -100 },
  x_vendor_extension: { keep: ['me', 1, null] },
};
const ANTHROPIC_BODY = {
  model: PROVIDERS.anthropic.model,
  max_tokens: 300,
  system: [{ type: 'text', text: 'Be kind.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi', cache_control: { type: 'ephemeral' } }] }],
  thinking: { type: 'adaptive' },
  context_management: { edits: [{ type: 'clear_thinking_20251015' }] },
  metadata: { user_id: '{"device":"d1"}' },
};
const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'context-management-2025-06-27,mid-conversation-system-2026-04-07' };

/** The exact events the mock will send, with the spacing quirks a re-serializing gateway would "fix". */
function quirkyEvents(dialect: MockDialect, requestBody: unknown): string[] {
  return renderStream(dialect, TURN, requestBody, { sequence: 41, nowMs: NOW_MS }).map((event) =>
    event.replace('{"type":"content_block_stop","index":0}', '{"type":"content_block_stop",  "index": 0 }').replace('data: {"id"', 'data: {  "id"'),
  );
}

function rawScenario(events: string[], seed: number): Scenario {
  const chunks = splitForWrites(events, 'random', seed);
  return { kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, chunks };
}

const isUsageOnlyChunk = (event: string): boolean => event.includes('"choices":[]') && event.includes('"usage":{');

describe('same-dialect passthrough', () => {
  let gateway: GatewayWithUpstreams;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
    const routes = [
      ['fast', PROVIDERS.openai],
      ['smart', PROVIDERS.anthropic],
    ] as const;
    for (const [alias, provider] of routes) {
      const result = await gateway.server.admin('PUT', `/api/admin/routes/${alias}`, { candidates: [{ provider: provider.name, model: provider.model }] });
      expect(result.status).toBe(200);
    }
  });
  afterAll(async () => gateway.close());

  const send = (dialect: MockDialect, body: string, headers: Record<string, string> = {}) =>
    rawRequest(gateway.server, CHAT_PATHS[dialect], {
      body,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
    });
  const upstreamRequest = (dialect: MockDialect) => gateway.upstreams[dialect].requests.at(-1);

  it('relays an OpenAI stream byte for byte and hides the usage chunk Auxot asked for, yet records the usage', async () => {
    const callerBody = { ...OPENAI_BODY, stream: true };
    const events = quirkyEvents('openai', { ...callerBody, stream_options: { include_usage: true } });
    expect(events.filter(isUsageOnlyChunk)).toHaveLength(1);
    gateway.upstreams.openai.enqueue(rawScenario(events, 3));

    const response = await send('openai', JSON.stringify(callerBody, null, 1));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-auxot-provider')).toBe(PROVIDERS.openai.name);
    expect(response.text).toBe(events.filter((event) => !isUsageOnlyChunk(event)).join(''));
    expect(sseMessages(response.text).at(-1)?.data).toBe('[DONE]');

    expect(upstreamRequest('openai')?.body).toEqual({ ...callerBody, stream_options: { include_usage: true } });
    const record = await recordOf(gateway.server, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, inputTokens: 50, outputTokens: 7, cacheReadTokens: 20, cacheWriteTokens: 4, finishReason: 'tool_calls' });
  });

  it('relays an OpenAI stream that asked for usage byte for byte, and the caller body byte for byte', async () => {
    const callerJson = JSON.stringify({ ...OPENAI_BODY, stream: true, stream_options: { include_usage: true } }, null, 2);
    const events = quirkyEvents('openai', JSON.parse(callerJson));
    gateway.upstreams.openai.enqueue(rawScenario(events, 4));

    const response = await send('openai', callerJson);
    expect(response.status).toBe(200);
    expect(response.bytes.equals(Buffer.from(events.join(''), 'utf8'))).toBe(true);
    expect(upstreamRequest('openai')?.rawBody.toString('utf8')).toBe(callerJson);
    expect(await recordOf(gateway.server, response.headers.get('x-request-id'))).toMatchObject({ inputTokens: 50, cacheReadTokens: 20 });
  });

  it('relays an Anthropic stream byte for byte (event lines, padded ping, odd spacing), caller body and headers unchanged', async () => {
    const callerJson = JSON.stringify({ ...ANTHROPIC_BODY, stream: true }, null, 2);
    const events = quirkyEvents('anthropic', JSON.parse(callerJson));
    expect(events.join('')).toContain('data: {"type": "ping"}');
    expect(events.join('')).toContain('{"type":"content_block_stop",  "index": 0 }');
    gateway.upstreams.anthropic.enqueue(rawScenario(events, 5));

    const response = await send('anthropic', callerJson, ANTHROPIC_HEADERS);
    expect(response.status).toBe(200);
    expect(response.bytes.equals(Buffer.from(events.join(''), 'utf8'))).toBe(true);
    const upstream = upstreamRequest('anthropic');
    expect(upstream?.rawBody.toString('utf8')).toBe(callerJson);
    expect(upstream?.headers['anthropic-version']).toBe(ANTHROPIC_HEADERS['anthropic-version']);
    expect(upstream?.headers['anthropic-beta']).toBe(ANTHROPIC_HEADERS['anthropic-beta']);
    const record = await recordOf(gateway.server, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ inputTokens: 50, outputTokens: 7, cacheReadTokens: 20, cacheWriteTokens: 4, finishReason: 'tool_use' });
  });

  it.each(['openai', 'anthropic'] as const)('relays a non-streaming %s body byte for byte and records its usage', async (dialect) => {
    const callerBody = dialect === 'openai' ? OPENAI_BODY : ANTHROPIC_BODY;
    const upstreamJson = JSON.stringify(renderBody(dialect, TURN, callerBody, { sequence: 9, nowMs: NOW_MS }), null, 3);
    gateway.upstreams[dialect].enqueue({ kind: 'status', status: 200, body: upstreamJson });

    const callerJson = JSON.stringify(callerBody, null, 1);
    const response = await send(dialect, callerJson);
    expect(response.status).toBe(200);
    expect(response.text).toBe(upstreamJson);
    expect(upstreamRequest(dialect)?.rawBody.toString('utf8')).toBe(callerJson);
    const record = await recordOf(gateway.server, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ stream: false, inputTokens: 50, outputTokens: 7, cacheReadTokens: 20, cacheWriteTokens: 4 });
  });

  it.each([
    { dialect: 'openai', model: `${PROVIDERS.openai.name}/${PROVIDERS.openai.model}`, stream: false },
    { dialect: 'openai', model: 'fast', stream: true },
    { dialect: 'anthropic', model: `${PROVIDERS.anthropic.name}/${PROVIDERS.anthropic.model}`, stream: true },
    { dialect: 'anthropic', model: 'smart', stream: false },
  ] as const)('rewrites only the model when $dialect callers name "$model" (stream=$stream)', async ({ dialect, model, stream }) => {
    const base = dialect === 'openai' ? OPENAI_BODY : ANTHROPIC_BODY;
    const callerBody = { ...base, model, stream, ...(dialect === 'openai' && stream ? { stream_options: { include_usage: true } } : {}) };
    const response = await send(dialect, JSON.stringify(callerBody), dialect === 'anthropic' ? ANTHROPIC_HEADERS : {});
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auxot-provider')).toBe(PROVIDERS[dialect].name);
    expect(upstreamRequest(dialect)?.body).toEqual({ ...callerBody, model: PROVIDERS[dialect].model });
  });

  it('does not forward anthropic-version / anthropic-beta to an OpenAI upstream, nor betas to a translated Anthropic call', async () => {
    const toOpenAi = await send('anthropic', JSON.stringify({ ...ANTHROPIC_BODY, model: PROVIDERS.openai.model }), ANTHROPIC_HEADERS);
    expect(toOpenAi.status).toBe(200);
    const openaiHeaders = upstreamRequest('openai')?.headers ?? {};
    expect(openaiHeaders['anthropic-version']).toBeUndefined();
    expect(openaiHeaders['anthropic-beta']).toBeUndefined();

    const toAnthropic = await send('openai', JSON.stringify({ ...OPENAI_BODY, model: PROVIDERS.anthropic.model }), ANTHROPIC_HEADERS);
    expect(toAnthropic.status).toBe(200);
    const anthropicHeaders = upstreamRequest('anthropic')?.headers ?? {};
    expect(anthropicHeaders['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(anthropicHeaders['anthropic-beta']).toBeUndefined();
  });

  it("never lets the caller's key reach an upstream: every upstream request carried the provider's own key", async () => {
    for (const dialect of ['openai', 'anthropic'] as const) {
      const requests = gateway.upstreams[dialect].allRequests;
      expect(requests.length).toBeGreaterThan(3);
      for (const request of requests) {
        expect(JSON.stringify(request.headers)).not.toContain(TEST_ADMIN_KEY);
        expect(request.rawBody.toString('utf8')).not.toContain(TEST_ADMIN_KEY);
        const presented = dialect === 'openai' ? request.headers.authorization : request.headers['x-api-key'];
        expect(presented).toBe(dialect === 'openai' ? `Bearer ${UPSTREAM_KEYS.openai}` : UPSTREAM_KEYS.anthropic);
      }
    }
  });
});
