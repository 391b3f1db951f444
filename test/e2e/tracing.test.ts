import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUXOT_MAIN, childEnv, freePort } from '../support/auxot-cli.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { startGatewayWithUpstreams, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';
import { CHAT_PATHS, rawRequest } from './helpers/raw-http.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_PARENT = '00f067aa0ba902b7';

function chat(model: string, prompt: string): Record<string, unknown> {
  return { model, max_tokens: 50, temperature: 0.3, messages: [{ role: 'user', content: prompt }] };
}

function traceparentOf(headers: Record<string, string | string[] | undefined>): { traceId: string; parentId: string } | undefined {
  const value = headers.traceparent;
  if (typeof value !== 'string') return undefined;
  const [, traceId, parentId] = value.split('-');
  return { traceId: traceId as string, parentId: parentId as string };
}

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let receiver: OtlpReceiver;
  let gateway: GatewayWithUpstreams;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    gateway = await startGatewayWithUpstreams({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=collector%20secret',
        OTEL_SERVICE_NAME: 'auxot-under-test',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
        OTEL_BSP_SCHEDULE_DELAY: '20',
      },
    });
    // Anthropic first (it will fail once), the OpenAI-compatible upstream second.
    const route = await gateway.server.admin('PUT', '/api/admin/routes/traced', {
      candidates: [
        { provider: 'claude', model: 'claude-model' },
        { provider: 'compat', model: 'oa-model' },
      ],
    });
    expect(route.status).toBe(200);
  });
  afterAll(async () => {
    await gateway.close();
    await receiver.close();
  });

  it("continues a caller's traceparent: a server span per request, a client span per attempt, each attempt's context sent to its upstream", async () => {
    const { anthropic, openai } = gateway.upstreams;
    anthropic.enqueue({ kind: 'status', status: 500 });
    openai.enqueue({ kind: 'turn', turn: { model: 'oa-model-2025-01-01', text: 'traced answer', usage: { input: 13, output: 5 } } });
    const prompt = 'SECRET-PROMPT-TEXT-7f3a tell me something';
    const response = await rawRequest(gateway.server, CHAT_PATHS.openai, {
      body: chat('traced', prompt),
      headers: {
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
        'content-type': 'application/json',
        traceparent: `00-${CALLER_TRACE}-${CALLER_PARENT}-01`,
        tracestate: 'caller=abc',
      },
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');

    const spans = await receiver.waitFor((all) => all.filter((span) => span.traceId === CALLER_TRACE).length >= 3);
    const trace = spans.filter((span) => span.traceId === CALLER_TRACE);
    const server = trace.find((span) => span.kind === SERVER) as ReceivedSpan;
    const attempts = trace.filter((span) => span.kind === CLIENT).sort((a, b) => Number(a.startNs - b.startNs));
    expect(trace).toHaveLength(3);

    // The request span continues the caller's trace, under the caller's span.
    expect(server.parentSpanId).toBe(CALLER_PARENT);
    expect(server.name).toBe('chat traced');
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'traced',
      'gen_ai.provider.name': 'compat',
      'gen_ai.response.model': 'oa-model-2025-01-01',
      'gen_ai.usage.input_tokens': 13,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.3,
      'auxot.route': 'traced',
      'auxot.tier': 'cloud',
      'auxot.provider': 'compat',
      'auxot.queue.wait_ms': 0,
      'auxot.request_id': requestId,
      'auxot.surface': 'openai-chat',
      'http.response.status_code': 200,
    });
    expect(server.status.code).not.toBe(ERROR);
    expect(server.resource).toMatchObject({ 'service.name': 'auxot-under-test', 'deployment.environment.name': 'test' });

    // One client span per attempt, both children of the request span.
    expect(attempts).toHaveLength(2);
    const [failed, answered] = attempts as [ReceivedSpan, ReceivedSpan];
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(server.spanId);
    expect(failed.name).toBe('chat claude-model');
    expect(failed.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-model',
      'auxot.provider': 'claude',
      'auxot.tier': 'cloud',
      'error.type': 'upstream_error',
      'http.response.status_code': 500,
    });
    expect(failed.status.code).toBe(ERROR);
    expect(answered.name).toBe('chat oa-model');
    expect(answered.attributes).toMatchObject({
      'gen_ai.provider.name': 'compat',
      'gen_ai.request.model': 'oa-model',
      'gen_ai.response.model': 'oa-model-2025-01-01',
      'gen_ai.usage.input_tokens': 13,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(answered.status.code).not.toBe(ERROR);
    // The SDK reads float millisecond clocks (performance.now() over timeOrigin, anchored per span
    // tree): ends close together can come out swapped by more than a microsecond on a loaded
    // machine (CI saw it), so nesting is checked to the millisecond.
    expect(server.startNs <= failed.startNs + 1_000_000n && answered.endNs <= server.endNs + 1_000_000n).toBe(true);

    // Each upstream received its own attempt's context, and the caller's tracestate.
    const toAnthropic = anthropic.requests.at(-1)?.headers ?? {};
    const toOpenai = openai.requests.at(-1)?.headers ?? {};
    expect(traceparentOf(toAnthropic)).toEqual({ traceId: CALLER_TRACE, parentId: failed.spanId });
    expect(traceparentOf(toOpenai)).toEqual({ traceId: CALLER_TRACE, parentId: answered.spanId });
    expect(toAnthropic.tracestate).toBe('caller=abc');
    expect(toOpenai.tracestate).toBe('caller=abc');

    // No prompt or completion text, and the exporter's headers went to the collector only.
    const exported = JSON.stringify(trace, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    expect(exported).not.toContain('SECRET-PROMPT-TEXT');
    expect(exported).not.toContain('traced answer');
    expect(receiver.exports.every((entry) => entry.headers['x-collector-token'] === 'collector secret')).toBe(true);
    expect(receiver.exports.every((entry) => entry.path === '/v1/traces' && entry.contentType?.startsWith('application/json') === true)).toBe(true);
  });

  it('starts a new trace for a caller without (or with an invalid) traceparent, and records refused requests as failed server spans', async () => {
    const { openai } = gateway.upstreams;
    const fresh = await rawRequest(gateway.server, CHAT_PATHS.openai, {
      body: chat('oa-model', 'hello'),
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', traceparent: '00-not-a-trace-01' },
    });
    expect(fresh.status).toBe(200);
    const sent = traceparentOf(openai.requests.at(-1)?.headers ?? {});
    expect(sent).toBeDefined();
    const spans = await receiver.waitFor((all) => all.some((span) => span.traceId === sent?.traceId && span.kind === SERVER));
    const server = spans.find((span) => span.traceId === sent?.traceId && span.kind === SERVER) as ReceivedSpan;
    expect(server.parentSpanId).toBe('');
    expect(spans.find((span) => span.spanId === sent?.parentId)).toMatchObject({ kind: CLIENT, parentSpanId: server.spanId });

    const refused = await rawRequest(gateway.server, CHAT_PATHS.anthropic, {
      body: chat('claude-model', 'hello'),
      headers: { 'x-api-key': 'axk_not-a-real-key-000000000000000000', 'content-type': 'application/json', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
    });
    expect(refused.status).toBe(401);
    const [rejected] = (await receiver.waitFor((all) => all.some((span) => span.traceId === 'a'.repeat(32)))).filter((span) => span.traceId === 'a'.repeat(32));
    // Refused before its body was read: the model it asked for is unknown.
    expect(rejected).toMatchObject({ kind: SERVER, parentSpanId: 'b'.repeat(16), name: 'chat' });
    expect(rejected?.attributes).toMatchObject({ 'http.response.status_code': 401, 'error.type': 'unauthorized', 'auxot.surface': 'anthropic-messages' });
  });
});

describe('tracing off (no OTLP endpoint)', () => {
  let gateway: GatewayWithUpstreams;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams();
  });
  afterAll(async () => {
    await gateway.close();
  });

  it("passes a caller's trace context to HTTP upstreams unchanged, and sends none when the caller sent none", async () => {
    const { openai, anthropic } = gateway.upstreams;
    const traceparent = `00-${CALLER_TRACE}-${CALLER_PARENT}-01`;
    const traced = await rawRequest(gateway.server, CHAT_PATHS.anthropic, {
      body: chat('oa-model', 'hello'),
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', traceparent, tracestate: 'caller=abc' },
    });
    expect(traced.status).toBe(200);
    expect(openai.requests.at(-1)?.headers).toMatchObject({ traceparent, tracestate: 'caller=abc' });
    const plain = await rawRequest(gateway.server, CHAT_PATHS.anthropic, { body: chat('claude-model', 'hello') });
    expect(plain.status).toBe(200);
    expect(anthropic.requests.at(-1)?.headers.traceparent).toBeUndefined();
  });
});

describe('what tracing loads', () => {
  const hook = fileURLToPath(new URL('../support/record-imports.mjs', import.meta.url));

  /** Starts `auxot serve` with a module-resolution recorder, waits until it listens, stops it, returns what it resolved. */
  async function resolvedModules(env: Record<string, string>): Promise<string[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'auxot-imports-'));
    const file = join(dataDir, 'imports.txt');
    const child = spawn(process.execPath, ['--import', hook, AUXOT_MAIN, 'serve'], {
      env: childEnv({
        AUXOT_TEST_IMPORTS_FILE: file,
        AUXOT_ADMIN_KEY: TEST_ADMIN_KEY,
        AUXOT_HOST: '127.0.0.1',
        AUXOT_PORT: String(await freePort()),
        AUXOT_DATA_DIR: dataDir,
        AUXOT_LOG_FORMAT: 'json',
        ...env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (data: Buffer): void => {
        output += data.toString();
        if (output.includes('"msg":"auxot listening"')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    return readFileSync(file, 'utf8').split('\n');
  }

  it('loads no OpenTelemetry SDK or exporter without an endpoint, and loads them with one', async () => {
    const isSdk = (url: string): boolean => /@opentelemetry\/(sdk-trace|exporter-trace-otlp-http|otlp-exporter-base|resources)\//.test(url);
    const without = await resolvedModules({});
    expect(without.some((url) => url.includes('/dist/app/server-app.js'))).toBe(true);
    expect(without.filter(isSdk)).toEqual([]);
    const receiver = await startOtlpReceiver();
    try {
      const withEndpoint = await resolvedModules({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect(withEndpoint.some((url) => url.includes('@opentelemetry/sdk-trace/'))).toBe(true);
      expect(withEndpoint.some((url) => url.includes('@opentelemetry/exporter-trace-otlp-http/'))).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
