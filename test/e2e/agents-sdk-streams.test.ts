import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const FINAL_TEXT = 'Done: the skill says restart it.';
type Step = { type: string; step: number; tool?: string };
type WireMessage = { role: string };

/** Loads the skill first, then answers once its result is in the conversation: a run of three steps. */
const loadSkillThenAnswer = (request: RecordedRequest): Scenario => {
  const messages = (request.body as { messages: WireMessage[] }).messages;
  if (messages.at(-1)?.role === 'tool') return { kind: 'turn', turn: { text: FINAL_TEXT } };
  return { kind: 'turn', turn: { toolCalls: [{ name: 'load_skill', arguments: '{"name":"restart"}' }] } };
};

/** Sets up the agent `helper` (one skill, so a run is model → load_skill → model). */
async function addAgent(server: TestServer, upstream: MockUpstream): Promise<void> {
  await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['agent-model'] });
  const put = async (path: string, body: unknown): Promise<void> => {
    const result = await server.admin('PUT', path, body);
    if (result.status !== 200) throw new Error(`${path}: ${result.status} ${JSON.stringify(result.body)}`);
  };
  await put('/api/admin/skills/restart', { scope: 'org', description: 'Restart a service', body: 'restart it' });
  await put('/api/admin/agents/helper', { personality: 'You help.', skills: ['restart'], model: 'agent-model', maxSteps: 4 });
}

interface RawEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

/** The SSE events of a streamed answer as plain bytes read them, with no SDK in between. */
async function rawEvents(server: TestServer, path: string, body: unknown): Promise<RawEvent[]> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'x-api-key': server.adminKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const events: RawEvent[] = [];
  for (const block of (await response.text()).split('\n\n')) {
    const lines = block.split('\n');
    const data = lines.find((line) => line.startsWith('data: '))?.slice('data: '.length);
    if (data === undefined || data === '[DONE]') continue;
    events.push({ event: lines.find((line) => line.startsWith('event: '))?.slice('event: '.length), data: JSON.parse(data) as Record<string, unknown> });
  }
  return events;
}

describe("an agent's streamed steps and the official SDKs' stream helpers", () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    upstream.setHandler(loadSkillThenAnswer);
    server = await startTestServer();
    await addAgent(server, upstream);
    openai = new OpenAI({ apiKey: server.adminKey, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: server.adminKey, baseURL: `${server.url}/api/anthropic`, maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('openai.responses.stream() accumulates the final response; each step rides on a keepalive event', async () => {
    const stream = openai.responses.stream({ model: 'agent:helper', input: 'The API is down.' });
    const steps: Step[] = [];
    stream.on('event', (event) => {
      const step = (event as { auxot_agent_step?: Step }).auxot_agent_step;
      if (step !== undefined) steps.push(step);
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(FINAL_TEXT);
    expect(final.status).toBe('completed');
    expect(steps.map((step) => step.type)).toEqual(['model', 'tool', 'model']);
    expect(steps[1]?.tool).toBe('load_skill');
  });

  it('the Responses steps are keepalive events in sequence, after response.created, for a raw reader', async () => {
    const events = await rawEvents(server, '/api/openai/v1/responses', { model: 'agent:helper', input: 'The API is down.', stream: true });
    expect(events.map((event) => event.data.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.every((event) => event.event === event.data.type)).toBe(true);
    const steps = events.filter((event) => event.data.auxot_agent_step !== undefined);
    expect(steps.map((event) => event.data.type)).toEqual(['keepalive', 'keepalive', 'keepalive']);
    expect(steps.map((event) => (event.data.auxot_agent_step as Step).type)).toEqual(['model', 'tool', 'model']);
    expect(events[0]?.data.type).toBe('response.created');
    expect(events.at(-1)?.data.type).toBe('response.completed');
  });

  it('openai.chat.completions.stream() accumulates the final completion past the step chunks', async () => {
    const stream = openai.chat.completions.stream({ model: 'agent:helper', messages: [{ role: 'user', content: 'The API is down.' }] });
    const steps: Step[] = [];
    stream.on('chunk', (chunk) => {
      const step = (chunk as { auxot_agent_step?: Step }).auxot_agent_step;
      if (step !== undefined) steps.push(step);
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices).toHaveLength(1);
    expect(final.choices[0]?.message.content).toBe(FINAL_TEXT);
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(steps.map((step) => step.type)).toEqual(['model', 'tool', 'model']);

    const events = await rawEvents(server, '/api/openai/v1/chat/completions', { model: 'agent:helper', stream: true, messages: [{ role: 'user', content: 'The API is down.' }] });
    const stepChunks = events.filter((event) => event.data.auxot_agent_step !== undefined);
    expect(stepChunks).toHaveLength(3);
    expect(stepChunks.every((event) => event.event === undefined && Array.isArray(event.data.choices) && event.data.choices.length === 0)).toBe(true);
    expect(stepChunks.every((event) => event.data.id === events[0]?.data.id)).toBe(true);
  });

  it('anthropic.messages.stream() accumulates the final message past the agent_step events', async () => {
    const stream = anthropic.messages.stream({ model: 'agent:helper', max_tokens: 200, messages: [{ role: 'user', content: 'The API is down.' }] });
    const steps: Step[] = [];
    stream.on('streamEvent', (event) => {
      const step = (event as unknown as { auxot_agent_step?: Step }).auxot_agent_step;
      if (step !== undefined) steps.push(step);
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: FINAL_TEXT })]);
    expect(final.stop_reason).toBe('end_turn');
    expect(steps.map((step) => step.type)).toEqual(['model', 'tool', 'model']);

    const events = await rawEvents(server, '/api/anthropic/v1/messages', { model: 'agent:helper', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'The API is down.' }] });
    const stepEvents = events.filter((event) => event.event === 'agent_step');
    expect(stepEvents.map((event) => (event.data.auxot_agent_step as Step).type)).toEqual(['model', 'tool', 'model']);
    expect(stepEvents.every((event) => event.data.type === 'agent_step')).toBe(true);
    expect(events[0]?.event).toBe('message_start');
  });
});

describe('asynchronous agent runs when the server closes', () => {
  let upstream: MockUpstream;
  let receiver: Server;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    receiver = createServer();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    upstream.releaseHanging();
    await upstream.close();
  });

  it('cancels a run in flight, records it cancelled, calls back, and closes without waiting on the model', async () => {
    const first = await startTestServer();
    await addAgent(first, upstream);
    expect((await first.admin('PATCH', '/api/admin/settings', { outboundAllowList: ['127.0.0.1'] })).status).toBe(200);
    upstream.setHandler(() => ({ kind: 'hang-before-headers' }));
    const calledBack = new Promise<{ id: string; status: string; ended_at: string | null }>((resolve) => {
      receiver.once('request', (request: IncomingMessage, response: ServerResponse) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          response.writeHead(204).end();
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; status: string; ended_at: string | null });
        });
      });
    });
    const from = upstream.requests.length;
    const accepted = await fetch(`${first.url}/api/agents/helper/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'The API is down.', async: true, callback_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/runs` }),
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const [held] = (await upstream.waitForRequests(from + 1)).slice(from);

    // Closes the server but keeps its data directory, for the second server below.
    await first.running.close();
    await upstream.waitForAbort(held as RecordedRequest);
    const delivered = await calledBack;
    expect(delivered).toMatchObject({ id, status: 'cancelled' });
    expect(delivered.ended_at).not.toBeNull();

    const second = await startTestServer({ AUXOT_DATA_DIR: first.dataDir });
    try {
      const polled = await fetch(`${second.url}/api/agents/runs/${id}`, { headers: { authorization: `Bearer ${second.adminKey}` } });
      expect(polled.status).toBe(200);
      const run = (await polled.json()) as { status: string; ended_at: string | null; error: string | null };
      expect(run.status).toBe('cancelled');
      expect(run.ended_at).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});
