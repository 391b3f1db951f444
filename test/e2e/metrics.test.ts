import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { parseExposition, type Exposition } from '../support/prometheus-text.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { ask } from './helpers/cascade-calls.js';
import { anthropicClient, openAiClient } from './helpers/clients.js';
import { startGatewayWithUpstreams, type GatewayWithUpstreams } from './helpers/gateway-with-upstreams.js';

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Exposition> {
  const response = await fetch(`${server.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await response.text());
}

describe('GET /metrics after real traffic', () => {
  let gateway: GatewayWithUpstreams;
  let server: TestServer;
  let rackModel: MockUpstream;
  let worker: WorkerProcess;
  beforeAll(async () => {
    gateway = await startGatewayWithUpstreams({ settings: { openai: { maxConcurrency: 1 } } });
    server = gateway.server;
    rackModel = await startMockUpstream({ dialect: 'openai' });
    await server.addProvider({ name: 'rack', kind: 'gpu-worker', models: ['rack-model'] });
    const key = (await server.admin('POST', '/api/admin/worker-keys', { provider: 'rack', name: 'rack-1' })).body.key as string;
    worker = await startWorkerProcess(
      ['gpu', '--server', server.url, '--upstream', rackModel.baseUrl, '--models', 'rack-model', '--slots', '2', '--name', 'rack-1'],
      {
        AUXOT_WORKER_KEY: key,
      },
    );
  });
  afterAll(async () => {
    await worker.stop();
    await gateway.close();
    await rackModel.close();
  });

  it('counts requests, tokens, durations, upstream failures, queue waits, circuits, workers and the request log, with bounded labels', async () => {
    const { openai, anthropic } = gateway.upstreams;
    const before = await scrape(server);
    expect(before.sum('auxot_requests_total')).toBe(0);
    expect(before.value('auxot_workers_connected', { provider: 'rack' })).toBe(1);
    expect(before.value('auxot_worker_slots', { provider: 'rack', state: 'free' })).toBe(2);
    expect(before.value('auxot_circuit_state', { provider: 'claude', state: 'closed' })).toBe(1);

    // A success, and one through the GPU worker.
    openai.enqueue({ kind: 'turn', turn: { text: 'hello', usage: { input: 11, output: 7, cacheRead: 3 } } });
    const completion = await openAiClient(server).chat.completions.create({ model: 'oa-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('hello');
    rackModel.enqueue({ kind: 'turn', turn: { text: 'from the rack', usage: { input: 4, output: 2 } } });
    expect((await ask(server, 'rack-model', 'hi rack')).status).toBe(200);

    // An upstream that asks for a pause: 429 with Retry-After pauses its circuit at once.
    anthropic.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '120' } });
    const limited = await anthropicClient(server)
      .messages.create({ model: 'claude-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (error: unknown) => error as { status: number },
      );
    expect(limited?.status).toBe(429);

    // A queue wait: the OpenAI-compatible provider takes one request at a time. The first hangs
    // until its caller leaves; the second waits for the slot and is served when it frees.
    openai.enqueue({ kind: 'hang-before-headers' }, { kind: 'turn', turn: { text: 'after the wait', usage: { input: 5, output: 3 } } });
    const leaving = new AbortController();
    const first = ask(server, 'oa-model', 'hold the slot', { signal: leaving.signal }).catch((error: unknown) => error);
    await openai.waitForRequests(2);
    const second = ask(server, 'oa-model', 'wait for it');
    await expect.poll(() => server.running.queuedRequests()).toBe(1);
    const waiting = await scrape(server);
    expect(waiting.value('auxot_queue_waiting', { service_class: 'interactive' })).toBe(1);
    expect(waiting.value('auxot_provider_in_flight', { provider: 'compat' })).toBe(1);
    leaving.abort();
    await first;
    const served = await second;
    expect(served.status).toBe(200);

    // Labels stay bounded: a made-up model (through an explicit provider) and an unknown one.
    expect((await ask(server, 'compat/made-up-model-1234', 'hi')).status).toBe(200);
    expect((await ask(server, 'no-such-model-5678', 'hi')).status).toBe(404);

    const records = await server.requestLog(); // also flushes the writer
    const after = await scrape(server);
    const ok = { surface: 'openai-chat', route: 'oa-model', provider: 'compat', model: 'oa-model', tier: 'cloud', status: '200' };
    expect(after.value('auxot_requests_total', ok)).toBe(2);
    // The caller who left before the upstream answered: no provider served it.
    expect(
      after.value('auxot_requests_total', { surface: 'openai-chat', route: 'oa-model', provider: 'none', model: 'none', tier: 'none', status: '499' }),
    ).toBe(1);
    expect(
      after.value('auxot_requests_total', { surface: 'openai-chat', route: 'rack-model', provider: 'rack', model: 'rack-model', tier: 'gpu', status: '200' }),
    ).toBe(1);
    expect(after.value('auxot_requests_total', { surface: 'anthropic-messages', route: 'claude-model', provider: 'none', tier: 'none', status: '429' })).toBe(
      1,
    );
    expect(after.value('auxot_requests_total', { route: 'other', provider: 'compat', model: 'other', status: '200' })).toBe(1);
    expect(after.value('auxot_requests_total', { route: 'none', provider: 'none', model: 'none', status: '404' })).toBe(1);
    expect(after.sum('auxot_requests_total')).toBe(records.length);
    for (const label of ['model', 'route']) {
      for (const value of after.labelValues('auxot_requests_total', label))
        expect(['oa-model', 'rack-model', 'claude-model', 'other', 'none']).toContain(value);
    }

    expect(after.value('auxot_tokens_total', { provider: 'compat', model: 'oa-model', kind: 'input' })).toBe(16);
    expect(after.value('auxot_tokens_total', { provider: 'compat', model: 'oa-model', kind: 'output' })).toBe(10);
    expect(after.value('auxot_tokens_total', { provider: 'compat', model: 'oa-model', kind: 'cache_read' })).toBe(3);
    expect(after.value('auxot_tokens_total', { provider: 'rack', model: 'rack-model', kind: 'output' })).toBe(2);
    const timing = { surface: 'openai-chat', route: 'oa-model', provider: 'compat', tier: 'cloud' };
    expect(after.value('auxot_request_duration_seconds_count', timing)).toBe(2);
    expect(after.value('auxot_request_duration_seconds_bucket', { ...timing, le: '+Inf' })).toBe(2);
    expect(after.value('auxot_request_duration_seconds_sum', timing)).toBeGreaterThan(0);
    expect(after.value('auxot_time_to_first_token_seconds_count', timing)).toBe(2);

    expect(after.value('auxot_upstream_failures_total', { provider: 'claude', reason: 'rate_limited' })).toBe(1);
    // The caller who hung up is not an upstream failure.
    expect(after.sum('auxot_upstream_failures_total', { provider: 'compat' })).toBe(0);
    expect(after.value('auxot_circuit_state', { provider: 'claude', state: 'paused' })).toBe(1);
    expect(after.value('auxot_circuit_state', { provider: 'claude', state: 'closed' })).toBe(0);
    expect(after.value('auxot_circuit_state', { provider: 'compat', state: 'closed' })).toBe(1);
    expect(after.value('auxot_circuit_transitions_total', { provider: 'claude', to: 'paused' })).toBe(1);

    const servedWait = { service_class: 'interactive', outcome: 'served' };
    expect(after.value('auxot_queue_wait_seconds_count', servedWait)).toBe(1);
    expect(after.value('auxot_queue_wait_seconds_sum', servedWait)).toBeCloseTo(served.queueMs / 1000, 2);
    expect(after.value('auxot_queue_waiting', { service_class: 'interactive' })).toBe(0);

    expect(after.value('auxot_request_log_written_total')).toBe(records.length);
    expect(after.value('auxot_request_log_backlog')).toBe(0);
    expect(after.value('auxot_request_log_write_errors_total')).toBe(0);
    expect(after.value('auxot_request_log_dropped_total')).toBe(0);
    expect(after.value('auxot_log_lines_dropped_total')).toBe(0);
    expect(after.value('auxot_workers_connected', { provider: 'rack' })).toBe(1);

    // Node's process metrics, under their standard names.
    expect(after.value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.samples.some((sample) => sample.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('follows the Prometheus naming conventions: every family typed and explained, counters end in _total, durations in _seconds', async () => {
    const exposition = await scrape(server);
    const families = [...exposition.types.keys()].filter((name) => name.startsWith('auxot_'));
    expect(families.length).toBeGreaterThanOrEqual(15);
    for (const name of families) {
      expect(exposition.help.get(name)?.length ?? 0).toBeGreaterThan(10);
      const type = exposition.types.get(name);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
      expect(name).toMatch(/^[a-z_]+$/);
    }
  });
});

describe('GET /metrics behind AUXOT_METRICS_TOKEN', () => {
  let server: TestServer;
  const token = 'metrics-token-for-the-scraper-0123456789';
  beforeAll(async () => {
    server = await startTestServer({ AUXOT_METRICS_TOKEN: token });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 without the token or with another one (an API key included), 200 with it; probes need nothing', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${server.adminKey}` },
      { authorization: token },
    ];
    for (const headers of attempts) {
      const refused = await fetch(`${server.url}/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="auxot-metrics"');
      expect(await refused.text()).not.toContain('auxot_requests_total');
    }
    const exposition = await scrape(server, { authorization: `Bearer ${token}` });
    expect(exposition.types.get('auxot_requests_total')).toBe('counter');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
