import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { Org } from './helpers/governance.js';

const PERSONALITY = 'You are Marvin, the triage agent. PERSONALITY-MARKER-7f3';
const SKILL_BODY = '# Triage\nCheck the dashboards first. SKILL-BODY-MARKER-91c';
const CONTEXT = 'The on-call channel is #ops-pager. CONTEXT-MARKER-2b8';

type WireMessage = { role: string; content?: unknown; tool_calls?: Array<{ function: { name: string } }> };
const messagesOf = (request: RecordedRequest): WireMessage[] => (request.body as { messages: WireMessage[] }).messages;
const systemOf = (request: RecordedRequest): string =>
  messagesOf(request)
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
    .join('\n');
const toolNamesOf = (request: RecordedRequest): string[] => ((request.body as { tools?: Array<{ function: { name: string } }> }).tools ?? []).map((tool) => tool.function.name);
const lastMessage = (request: RecordedRequest): WireMessage => messagesOf(request).at(-1) as WireMessage;

/** The model a capable one would be: load the skill first, then answer from what the tool returned. */
const loadSkillThenAnswer = (request: RecordedRequest): Scenario => {
  const last = lastMessage(request);
  if (last.role === 'tool') {
    const loaded = typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
    return { kind: 'turn', turn: { text: `Done. I followed: ${loaded.includes('SKILL-BODY-MARKER-91c') ? 'the triage skill' : 'nothing'}.`, usage: { input: 40, output: 8 } } };
  }
  return { kind: 'turn', turn: { toolCalls: [{ name: 'load_skill', arguments: '{"name":"triage"}' }], usage: { input: 30, output: 5 } } };
};

describe('agents run by the server (agent:<name> on every chat surface)', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let org: Org;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let receiver: Server;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    org = new Org(server);
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['agent-model'] });
    await org.team('ops');
    await org.team('data');
    const put = async (path: string, body: unknown): Promise<void> => {
      const result = await server.admin('PUT', path, body);
      if (result.status !== 200) throw new Error(`${path}: ${result.status} ${JSON.stringify(result.body)}`);
    };
    await put('/api/admin/skills/triage', { scope: 'org', description: 'Triage an incident step by step', body: SKILL_BODY, files: [{ path: 'runbook.md', content: 'restart it' }] });
    await put('/api/admin/context-files/oncall', { scope: 'org', content: CONTEXT });
    await put('/api/admin/agents/triage-bot', { personality: PERSONALITY, description: 'Triages incidents', skills: ['triage'], contextFiles: ['oncall'], model: 'agent-model', maxSteps: 4 });
    await put('/api/admin/agents/looper', { personality: 'Never stop.', skills: ['triage'], model: 'agent-model', maxSteps: 2 });
    await put('/api/admin/agents/ops-only', { team: 'ops', personality: 'Ops only.', model: 'agent-model' });
    openai = new OpenAI({ apiKey: server.adminKey, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: server.adminKey, baseURL: `${server.url}/api/anthropic`, maxRetries: 0 });
    receiver = createServer();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await server.close();
    await upstream.close();
  });
  beforeEach(() => upstream.setHandler(loadSkillThenAnswer));

  /** The upstream requests made since `from` (the mock keeps every request of the file). */
  const since = (from: number): RecordedRequest[] => upstream.requests.slice(from);

  it('assembles the prompt, runs load_skill in the loop and answers through the OpenAI SDK', async () => {
    const from = upstream.requests.length;
    const completion = await openai.chat.completions.create({ model: 'agent:triage-bot', messages: [{ role: 'user', content: 'The API is down.' }] });
    expect(completion.choices[0]?.message.content).toBe('Done. I followed: the triage skill.');
    expect(completion.model).toBe('agent:triage-bot');
    // Usage is the whole run's: both model calls.
    expect(completion.usage).toMatchObject({ prompt_tokens: 70, completion_tokens: 13 });
    const [first, second] = since(from);
    expect(since(from)).toHaveLength(2);
    const system = systemOf(first as RecordedRequest);
    expect(system).toContain('PERSONALITY-MARKER-7f3');
    expect(system).toContain('- triage: Triage an incident step by step');
    expect(system).toContain('CONTEXT-MARKER-2b8');
    expect(system).not.toContain('SKILL-BODY-MARKER-91c');
    expect(toolNamesOf(first as RecordedRequest)).toEqual(['load_skill']);
    expect(messagesOf(first as RecordedRequest).at(-1)).toMatchObject({ role: 'user', content: 'The API is down.' });
    const toolResult = lastMessage(second as RecordedRequest);
    expect(toolResult.role).toBe('tool');
    expect(JSON.stringify(toolResult.content)).toContain('SKILL-BODY-MARKER-91c');
    expect(JSON.stringify(toolResult.content)).toContain('runbook.md');
    const run = (completion as unknown as { auxot_agent_run: { status: string; steps: Array<{ type: string; tool?: string; outcome?: string }> } }).auxot_agent_run;
    expect(run.status).toBe('completed');
    expect(run.steps.map((step) => step.type)).toEqual(['model', 'tool', 'model']);
    expect(run.steps[1]).toMatchObject({ tool: 'load_skill', outcome: 'ok' });
  });

  it('streams the steps as chunks the OpenAI SDK accepts, then the answer', async () => {
    const stream = await openai.chat.completions.create({ model: 'agent:triage-bot', stream: true, messages: [{ role: 'user', content: 'The API is down.' }] });
    const steps: Array<{ type: string; tool?: string }> = [];
    let text = '';
    for await (const chunk of stream) {
      const step = (chunk as unknown as { auxot_agent_step?: { type: string; tool?: string } }).auxot_agent_step;
      if (step !== undefined) steps.push(step);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(steps.map((step) => step.type)).toEqual(['model', 'tool', 'model']);
    expect(steps[1]?.tool).toBe('load_skill');
    expect(text).toBe('Done. I followed: the triage skill.');
  });

  it('answers through the Anthropic SDK, streaming and not', async () => {
    const message = await anthropic.messages.create({ model: 'agent:triage-bot', max_tokens: 200, messages: [{ role: 'user', content: 'The API is down.' }] });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Done. I followed: the triage skill.' })]);
    const stream = anthropic.messages.stream({ model: 'agent:triage-bot', max_tokens: 200, messages: [{ role: 'user', content: 'The API is down.' }] });
    const kinds: string[] = [];
    stream.on('streamEvent', (event) => kinds.push((event as { type: string }).type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'Done. I followed: the triage skill.' })]);
    expect(kinds.filter((kind) => kind === 'agent_step')).toHaveLength(3);
    expect(kinds[0]).toBe('message_start');
  });

  it('answers on the Responses API, streaming and not', async () => {
    const response = await openai.responses.create({ model: 'agent:triage-bot', input: 'The API is down.' });
    expect(response.output_text).toBe('Done. I followed: the triage skill.');
    const stream = await openai.responses.create({ model: 'agent:triage-bot', input: 'The API is down.', stream: true });
    const types: string[] = [];
    const steps: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      const step = (event as unknown as { auxot_agent_step?: { type: string } }).auxot_agent_step;
      if (step !== undefined) steps.push(`${event.type}:${step.type}`);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Done. I followed: the triage skill.');
    expect(types[0]).toBe('response.created');
    expect(steps).toEqual(['keepalive:model', 'keepalive:tool', 'keepalive:model']);
    expect(types.at(-1)).toBe('response.completed');
  });

  it('stops at the step limit with a clear final message', async () => {
    upstream.setHandler(() => ({ kind: 'turn', turn: { toolCalls: [{ name: 'load_skill', arguments: '{"name":"triage"}' }] } }));
    const from = upstream.requests.length;
    const completion = await openai.chat.completions.create({ model: 'agent:looper', messages: [{ role: 'user', content: 'Go.' }] });
    expect(completion.choices[0]?.message.content).toMatch(/stopped at its limit of 2 steps/);
    expect(since(from)).toHaveLength(2);
    expect((completion as unknown as { auxot_agent_run: { status: string } }).auxot_agent_run.status).toBe('step_limit');
  });

  it("returns a call to one of the caller's own tools instead of running it", async () => {
    upstream.setHandler(() => ({ kind: 'turn', turn: { toolCalls: [{ name: 'get_time', arguments: '{"tz":"CET"}' }] } }));
    const from = upstream.requests.length;
    const completion = await openai.chat.completions.create({
      model: 'agent:triage-bot',
      messages: [{ role: 'user', content: 'What time is it?' }],
      tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual([expect.objectContaining({ function: { name: 'get_time', arguments: '{"tz":"CET"}' } })]);
    expect(since(from)).toHaveLength(1);
    expect(toolNamesOf(since(from)[0] as RecordedRequest)).toEqual(['load_skill', 'get_time']);
  });

  it("refuses a team's agent to another team's key with 403, and an unknown agent with 404, in the caller's dialect", async () => {
    const dana = await org.personWithKey('dana', 'data');
    const asDana = new OpenAI({ apiKey: dana.key, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    const forbidden = await asDana.chat.completions.create({ model: 'agent:ops-only', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const missing = await anthropic.messages.create({ model: 'agent:nobody', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    const olga = await org.personWithKey('olga', 'ops');
    const asOlga = new OpenAI({ apiKey: olga.key, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    upstream.setHandler(() => ({ kind: 'turn', turn: { text: 'ok' } }));
    expect((await asOlga.chat.completions.create({ model: 'agent:ops-only', messages: [{ role: 'user', content: 'hi' }] })).choices[0]?.message.content).toBe('ok');
  });

  it("counts every model call of a run against the caller's limits, and records each with the agent", async () => {
    await org.team('limited', { policy: { requestsPerMinute: 3 } });
    const lee = await org.personWithKey('lee', 'limited');
    const asLee = new OpenAI({ apiKey: lee.key, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    const run = await asLee.chat.completions.create({ model: 'agent:triage-bot', messages: [{ role: 'user', content: 'The API is down.' }] });
    expect(run.choices[0]?.message.content).toBe('Done. I followed: the triage skill.');
    upstream.setHandler(() => ({ kind: 'turn', turn: { text: 'plain' } }));
    await asLee.chat.completions.create({ model: 'agent-model', messages: [{ role: 'user', content: 'third call' }] });
    const refused = await asLee.chat.completions.create({ model: 'agent-model', messages: [{ role: 'user', content: 'fourth call' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const agentCalls = async (): Promise<number> => {
      const records = (await server.admin('GET', `/api/admin/requests?limit=10&key=${lee.id}`)).body.data as Array<{ agentId: string | null; status: number }>;
      return records.filter((record) => record.agentId !== null && record.status === 200).length;
    };
    await expect.poll(agentCalls).toBe(2);
  });

  it('cancels the model call in flight when the caller hangs up, and records the run as cancelled', async () => {
    let calls = 0;
    upstream.setHandler((request) => (++calls === 1 ? loadSkillThenAnswer(request) : { kind: 'hang-before-headers' }));
    const from = upstream.requests.length;
    const controller = new AbortController();
    const answer = fetch(`${server.url}/api/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'agent:triage-bot', messages: [{ role: 'user', content: 'hang' }] }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await upstream.waitForRequests(from + 2);
    const hanging = upstream.requests[from + 1] as RecordedRequest;
    expect(lastMessage(hanging).role).toBe('tool');
    controller.abort();
    await answer;
    await upstream.waitForAbort(hanging, 15_000);
    await expect
      .poll(async () => ((await server.admin('GET', '/api/admin/agent-runs?agent=triage-bot&limit=1')).body.data[0] as { status: string }).status)
      .toBe('cancelled');
    upstream.releaseHanging();
  });

  const postRun = (agent: string, body: unknown, key = server.adminKey): Promise<Response> =>
    fetch(`${server.url}/api/agents/${agent}/runs`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('runs an agent through the runs endpoint, synchronously and asynchronously with polling', async () => {
    const sync = await postRun('triage-bot', { input: 'The API is down.' });
    expect(sync.status).toBe(200);
    const run = (await sync.json()) as { id: string; status: string; output: string; steps: Array<{ type: string }> };
    expect(run).toMatchObject({ status: 'completed', output: 'Done. I followed: the triage skill.' });
    expect(run.steps.map((step) => step.type)).toEqual(['model', 'tool', 'model']);

    const accepted = await postRun('triage-bot', { messages: [{ role: 'user', content: 'The API is down.' }], async: true });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    expect(accepted.headers.get('location')).toBe(`/api/agents/runs/${id}`);
    const poll = async (): Promise<{ status: string; output: string }> =>
      (await (await fetch(`${server.url}/api/agents/runs/${id}`, { headers: { authorization: `Bearer ${server.adminKey}` } })).json()) as { status: string; output: string };
    await expect.poll(async () => (await poll()).status).toBe('completed');
    expect((await poll()).output).toBe('Done. I followed: the triage skill.');
    const dana = await org.personWithKey('dina', 'data');
    expect((await fetch(`${server.url}/api/agents/runs/${id}`, { headers: { authorization: `Bearer ${dana.key}` } })).status).toBe(404);
  });

  it('refuses a callback URL that resolves to an internal address, before running anything', async () => {
    const from = upstream.requests.length;
    for (const url of ['http://127.0.0.1:9/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://10.1.2.3/hook']) {
      const refused = await postRun('triage-bot', { input: 'x', async: true, callback_url: url });
      expect(refused.status, url).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/callback_url refused/);
    }
    expect(since(from)).toHaveLength(0);
    const bad = await postRun('triage-bot', { input: 'x', messages: [] });
    expect(bad.status).toBe(400);
  });

  it('calls an allow-listed callback URL with the finished run', async () => {
    const received = new Promise<{ method: string; body: { id: string; status: string; output: string } }>((resolve) => {
      receiver.once('request', (request: IncomingMessage, response: ServerResponse) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          response.writeHead(204).end();
          resolve({ method: request.method ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; status: string; output: string } });
        });
      });
    });
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/runs`;
    expect((await postRun('triage-bot', { input: 'x', async: true, callback_url: callbackUrl })).status).toBe(400);
    expect((await server.admin('PATCH', '/api/admin/settings', { outboundAllowList: ['127.0.0.1'] })).status).toBe(200);
    const accepted = await postRun('triage-bot', { input: 'The API is down.', async: true, callback_url: callbackUrl });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const delivered = await received;
    expect(delivered.method).toBe('POST');
    expect(delivered.body).toMatchObject({ id, status: 'completed', output: 'Done. I followed: the triage skill.' });
  });
});
