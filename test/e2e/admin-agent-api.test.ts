import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { AdminChat, scriptedModel, tuneAdminAgent } from './helpers/admin-agent.js';

/** Reads a server-sent event stream to its end: each event's name and parsed data. */
async function readEvents(response: Response): Promise<Array<{ event: string; data: any }>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.+)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}

/** The conversation API itself: streamed turns, hang-ups, refusals in the admin API's shape, its OpenAPI entries. */
describe('the Admin Agent conversation API', () => {
  let server: TestServer;
  let brain: MockUpstream;
  const post = (path: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
    fetch(server.url + path, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal === undefined ? {} : { signal }) });

  beforeAll(async () => {
    brain = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: brain.baseUrl, models: ['admin-model'] });
    await tuneAdminAgent(server, 'admin-model');
    const script = scriptedModel([
      // A model that never stops: stages a change, then keeps reading until the step limit.
      { when: 'never stop', steps: [{ calls: [{ name: 'teams_create', args: { name: 'half-done' } }] }, ...Array.from({ length: 12 }, () => ({ calls: [{ name: 'teams_list', args: {} }] }))] },
      { when: 'a team for QA', steps: [{ text: 'Let me look first.', calls: [{ name: 'teams_list', args: {} }] }, { calls: [{ name: 'teams_create', args: { name: 'qa' } }] }, { text: 'Planned: team qa.' }] },
    ]);
    brain.setHandler((request) => (JSON.stringify(request.body).includes('think forever') ? { kind: 'hang-before-headers' } : script(request)));
  });

  afterAll(async () => {
    await server?.close();
    await brain?.close();
  });

  it('streams a turn: tool calls as they finish, the text of each step, then the plan and the whole turn', async () => {
    const chat = await new AdminChat(server).start();
    const response = await post(`/api/admin/agent/conversations/${chat.id}/messages`, { content: 'Make a team for QA', stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(response);
    expect(events.map((entry) => entry.event)).toEqual(['tool', 'tool', 'text', 'plan', 'done']);
    expect(events[0]?.data).toEqual({ name: 'teams_list', kind: 'read', ok: true });
    expect(events[1]?.data).toEqual({ name: 'teams_create', kind: 'change', ok: true });
    expect(events[2]?.data).toEqual({ delta: 'Planned: team qa.' });
    expect(events[3]?.data.operations[0].operation).toBe('teams.create');
    expect(events[4]?.data.plan.id).toBe(events[3]?.data.id);
    expect((await chat.transcript()).messages.map((message: any) => message.role)).toEqual(['user', 'assistant']);
  });

  it('cancels the turn when the person hangs up: the model call in flight is cancelled and nothing is kept', async () => {
    const chat = await new AdminChat(server).start();
    const hangUp = new AbortController();
    const calls = brain.requests.length;
    const turn = post(`/api/admin/agent/conversations/${chat.id}/messages`, { content: 'think forever', stream: true }, hangUp.signal).then((response) => response.text());
    const [held] = (await brain.waitForRequests(calls + 1)).slice(calls);
    // One turn at a time per conversation: a second message meanwhile is refused, not interleaved.
    const second = await chat.raw('POST', '/api/admin/agent/conversations/:id/messages', { content: 'and another thing' });
    expect(second.status).toBe(409);
    hangUp.abort();
    await expect(turn).rejects.toThrow();
    await brain.waitForAbort(held!);
    await expect.poll(async () => (await server.admin('GET', '/api/admin/agent-runs?agent=admin&limit=1')).body.data[0]?.status).toBe('cancelled');
    expect((await chat.transcript()).messages).toEqual([]);
  });

  it('proposes nothing from a turn cut short by the step limit, and says so', async () => {
    const chat = await new AdminChat(server).start();
    const turn = await chat.say('Plan something and never stop');
    expect(turn.plan).toBeUndefined();
    expect(turn.message.text).toContain('stopped at its limit');
    expect(turn.notices[0]).toContain('were not proposed');
    expect((await server.admin('GET', '/api/admin/teams')).body.data.map((team: any) => team.name)).not.toContain('half-done');
  });

  it('answers refusals in the admin API’s error shape', async () => {
    const chat = await new AdminChat(server).start();
    expect((await chat.raw('POST', '/api/admin/agent/conversations/:id/messages', { content: '' })).body.error).toMatchObject({ type: 'invalid_request', param: 'content' });
    expect((await chat.raw('POST', '/api/admin/agent/conversations/:id/messages', { content: 'hi', extra: 1 })).status).toBe(400);
    expect((await chat.raw('POST', '/api/admin/agent/conversations/conv_nope/messages', { content: 'hi' })).status).toBe(404);
    expect((await chat.raw('POST', '/api/admin/agent/conversations/:id/plans/plan_nope/confirm', { hash: 'not-a-hash' })).body.error).toMatchObject({ type: 'invalid_request', param: 'hash' });
    expect((await chat.raw('POST', '/api/admin/agent/conversations/:id/plans/plan_nope/confirm', { hash: 'a'.repeat(64) })).status).toBe(404);
    expect((await chat.raw('PUT', '/api/admin/agent/conversations/:id/secrets/no-such-slot', { value: 'x' })).status).toBe(404);
    expect((await chat.raw('POST', '/api/admin/agent/conversations/:id/undo', {})).status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/admin/agent/conversations`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
  });

  it('is described in the OpenAPI document with the schemas it validates with', async () => {
    const document = (await server.admin('GET', '/api/admin/openapi.json')).body;
    const messages = document.paths['/api/admin/agent/conversations/{conversation}/messages'].post;
    expect(messages.requestBody.content['application/json'].schema.properties).toMatchObject({ content: { type: 'string' }, stream: { type: 'boolean' } });
    expect(messages.parameters).toEqual([{ name: 'conversation', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(document.paths['/api/admin/agent/conversations/{conversation}/plans/{plan}/confirm'].post.requestBody.content['application/json'].schema.required).toEqual(['hash']);
  });
});
