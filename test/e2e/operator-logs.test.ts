import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuxotServe, type ServeProcess } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { UPSTREAM_KEYS } from './helpers/gateway-with-upstreams.js';

const METRICS_TOKEN = 'metrics-token-9f8e7d6c5b4a39281706f5e4';
const COLLECTOR_SECRET = 'collector-secret-5a4b3c2d1e0f99887766';
const ENV_OPENAI_KEY = 'sk-from-the-environment-1b2c3d4e5f6a7b8c';
const WRONG_CALLER_KEY = 'axk_wrong-caller-key-00112233445566778899aabb';

/**
 * The real `auxot serve`, logging JSON at debug level, through a run with successes, failover, an
 * upstream that echoes its key, a refused caller key, a circuit that opens and closes, a worker
 * that connects and leaves, a metrics scrape and trace exports.
 */
describe('operator logs of a full run', () => {
  let openai: MockUpstream;
  let anthropic: MockUpstream;
  let envOpenai: MockUpstream;
  let rackModel: MockUpstream;
  let receiver: OtlpReceiver;
  let serve: ServeProcess;
  let worker: WorkerProcess | undefined;
  let memberKey = '';
  let workerKey = '';

  const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(serve.url + path, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  const chat = async (key: string, model: string): Promise<Response> =>
    fetch(`${serve.url}/api/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    });
  const requestLines = (): Array<Record<string, any>> => serve.logs().filter((entry) => entry.msg === 'request');

  beforeAll(async () => {
    openai = await startMockUpstream({ dialect: 'openai', requireApiKey: UPSTREAM_KEYS.openai });
    anthropic = await startMockUpstream({ dialect: 'anthropic', requireApiKey: UPSTREAM_KEYS.anthropic });
    envOpenai = await startMockUpstream({ dialect: 'openai', requireApiKey: ENV_OPENAI_KEY });
    rackModel = await startMockUpstream({ dialect: 'openai' });
    receiver = await startOtlpReceiver();
    serve = await startAuxotServe(['--data-dir', mkdtempSync(join(tmpdir(), 'auxot-logs-'))], {
      AUXOT_ADMIN_KEY: TEST_ADMIN_KEY,
      AUXOT_LOG_LEVEL: 'debug',
      AUXOT_LOG_FORMAT: 'json',
      AUXOT_METRICS_TOKEN: METRICS_TOKEN,
      AUXOT_BREAKER_FAILURES: '1',
      AUXOT_BREAKER_COOLDOWN_MS: '50',
      OPENAI_API_KEY: ENV_OPENAI_KEY,
      OPENAI_BASE_URL: envOpenai.baseUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${COLLECTOR_SECRET}`,
      OTEL_BSP_SCHEDULE_DELAY: '20',
    });
    await admin('POST', '/api/admin/providers', { name: 'compat', kind: 'openai-compatible', baseUrl: openai.baseUrl, apiKey: UPSTREAM_KEYS.openai, models: ['oa-model'] });
    await admin('POST', '/api/admin/providers', { name: 'claude', kind: 'anthropic', baseUrl: anthropic.baseUrl, apiKey: UPSTREAM_KEYS.anthropic, models: ['claude-model'] });
    await admin('PUT', '/api/admin/routes/both', { candidates: [{ provider: 'claude', model: 'claude-model' }, { provider: 'compat', model: 'oa-model' }] });
    await admin('POST', '/api/admin/providers', { name: 'rack', kind: 'gpu-worker', models: ['rack-model'] });
    memberKey = (await admin('POST', '/api/admin/keys', { name: 'ci-member', role: 'member' })).key as string;
    workerKey = (await admin('POST', '/api/admin/worker-keys', { provider: 'rack', name: 'rack-1' })).key as string;
  });
  afterAll(async () => {
    await worker?.stop();
    await serve.stop();
    for (const upstream of [openai, anthropic, envOpenai, rackModel]) await upstream.close();
    await receiver.close();
  });

  it('writes one info line per request with its id, key name, surface, route, provider, status, tokens and timings', async () => {
    openai.enqueue({ kind: 'turn', turn: { text: 'hi', usage: { input: 9, output: 4 } } });
    const served = await chat(memberKey, 'oa-model');
    expect(served.status).toBe(200);
    const refused = await chat(WRONG_CALLER_KEY, 'oa-model');
    expect(refused.status).toBe(401);
    await admin('GET', '/api/admin/requests?limit=1');

    await expect.poll(() => requestLines().length).toBe(2);
    const lines = requestLines();
    const [ok, denied] = lines as [Record<string, any>, Record<string, any>];
    expect(ok).toMatchObject({
      level: 'info',
      requestId: served.headers.get('x-request-id'),
      keyName: 'ci-member',
      surface: 'openai-chat',
      model: 'oa-model',
      route: 'oa-model',
      provider: 'compat',
      providerModel: 'oa-model',
      tier: 'cloud',
      stream: false,
      status: 200,
      inputTokens: 9,
      outputTokens: 4,
      queueMs: 0,
    });
    expect(ok.ms).toBeGreaterThan(0);
    expect(ok.firstTokenMs).toBeGreaterThan(0);
    expect(ok.firstTokenMs).toBeLessThanOrEqual(ok.ms);
    expect(denied).toMatchObject({ level: 'info', requestId: refused.headers.get('x-request-id'), surface: 'openai-chat', status: 401, errorCode: 'unauthorized' });
    expect(denied.keyName).toBeUndefined();
  });

  it('warns of each failed upstream attempt (redacted), and logs a circuit opening, turning half-open and closing', async () => {
    anthropic.enqueue({ kind: 'status', status: 500 });
    openai.enqueue({ kind: 'turn', turn: { text: 'after failover' } });
    expect((await chat(memberKey, 'both')).status).toBe(200);
    // A vendor 401 quoting the key it was given: the text reaches the log redacted.
    openai.enqueue({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${UPSTREAM_KEYS.openai}.`, type: 'invalid_request_error' } } });
    expect((await chat(memberKey, 'oa-model')).status).toBe(502);

    // Log lines leave asynchronously (decision 31): wait for them, never for a time.
    const failuresLogged = () => serve.logs().filter((entry) => entry.msg === 'upstream attempt failed');
    await expect.poll(() => failuresLogged().length).toBe(2);
    const failures = failuresLogged();
    expect(failures[0]).toMatchObject({ level: 'warn', provider: 'claude', model: 'claude-model', tier: 'cloud', code: 'upstream_error', upstreamStatus: 500, failover: true });
    expect(failures[0]?.reason).toMatch(/^Provider claude: /);
    expect(failures[1]).toMatchObject({ level: 'warn', provider: 'compat', model: 'oa-model', upstreamStatus: 401 });
    expect(failures[1]?.reason).toContain('Incorrect API key provided: [redacted]');

    // The cool-down is 50 ms; a scrape notices when it is over (the circuit turns half-open), and
    // the next request is the trial that closes it.
    await expect
      .poll(async () => {
        const metrics = await (await fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        return /auxot_circuit_state\{provider="claude",state="half_open"\} 1/.test(metrics);
      })
      .toBe(true);
    anthropic.enqueue({ kind: 'turn' });
    expect((await chat(memberKey, 'claude-model')).status).toBe(200);
    const circuitLogged = () => serve.logs().filter((entry) => typeof entry.msg === 'string' && entry.msg.startsWith('circuit '));
    await expect.poll(() => circuitLogged().length).toBe(3);
    const circuit = circuitLogged();
    expect(circuit.map((entry) => [entry.level, entry.provider, entry.from, entry.to])).toEqual([
      ['warn', 'claude', 'closed', 'open'],
      ['info', 'claude', 'open', 'half-open'],
      ['info', 'claude', 'half-open', 'closed'],
    ]);
    expect(circuit[0]?.reason).toMatch(/^Provider claude: /);
    expect(Date.parse(circuit[0]?.until)).toBeGreaterThan(0);
  });

  it('logs a worker connecting and leaving on the server, and no key or provider secret appears anywhere in the run', async () => {
    worker = await startWorkerProcess(['gpu', '--server', serve.url, '--upstream', rackModel.baseUrl, '--models', 'rack-model', '--slots', '1', '--name', 'rack-1'], {
      AUXOT_WORKER_KEY: workerKey,
      AUXOT_LOG_LEVEL: 'debug',
      AUXOT_LOG_FORMAT: 'json',
    });
    expect((await chat(memberKey, 'rack-model')).status).toBe(200);
    await worker.stop();
    const workerOutput = worker.output();
    worker = undefined;
    await expect.poll(() => serve.logs().some((entry) => entry.msg === 'worker disconnected')).toBe(true);
    expect(serve.logs().some((entry) => entry.msg === 'worker connected' && entry.worker === 'rack-1' && entry.provider === 'rack')).toBe(true);
    await receiver.waitFor((spans) => spans.length > 0);
    await admin('GET', '/api/admin/requests?limit=1');

    await expect.poll(() => requestLines().length).toBeGreaterThanOrEqual(6);
    const output = serve.output() + workerOutput;
    for (const secret of [TEST_ADMIN_KEY, memberKey, workerKey, WRONG_CALLER_KEY, UPSTREAM_KEYS.openai, UPSTREAM_KEYS.anthropic, ENV_OPENAI_KEY, METRICS_TOKEN, COLLECTOR_SECRET]) {
      expect(secret.length).toBeGreaterThan(16);
      expect(output).not.toContain(secret);
      // Not even its distinctive tail (a key printed after a prefix was masked would show it).
      expect(output).not.toContain(secret.slice(-12));
    }
  });
});
