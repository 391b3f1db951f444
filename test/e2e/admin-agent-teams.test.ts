import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { AdminChat, scriptedModel, tuneAdminAgent } from './helpers/admin-agent.js';
import { Org } from './helpers/governance.js';

const HOLD = 'HOLD-THE-SLOT';

/** Conversation 2 of the product page, undo, and the Admin Agent acting with exactly the rights of the person. */
describe('the Admin Agent sets up teams, acting with the rights of whoever talks to it', () => {
  let server: TestServer;
  let brain: MockUpstream;
  let pool: MockUpstream;
  let org: Org;

  const ask = async (key: string, content: string): Promise<{ status: number; text?: string }> => {
    const response = await fetch(`${server.url}/api/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pool-model', messages: [{ role: 'user', content }] }),
    });
    const body = (await response.json()) as { choices?: Array<{ message: { content: string } }> };
    return { status: response.status, ...(body.choices === undefined ? {} : { text: body.choices[0]?.message.content }) };
  };
  const teamKey = async (team: string): Promise<string> => {
    await org.ok('POST', '/api/admin/service-accounts', { team, name: `${team}-bot` }, 201);
    return (await org.ok('POST', '/api/admin/keys', { name: `${team}-bot-key`, serviceAccount: `${team}/${team}-bot`, team }, 201)).key as string;
  };
  /** The organization's configuration as `GET /api/admin/config/export` gives it (by name, without ids, times or secrets). */
  const configuration = async (): Promise<unknown> => (await server.admin('GET', '/api/admin/config/export')).body;

  beforeAll(async () => {
    brain = await startMockUpstream({ dialect: 'openai' });
    pool = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    org = new Org(server);
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: brain.baseUrl, models: ['admin-model'] });
    await server.addProvider({ name: 'pool', kind: 'openai-compatible', baseUrl: pool.baseUrl, models: ['pool-model'], settings: { maxConcurrency: 1 } });
    await tuneAdminAgent(server, 'admin-model');
    pool.setHandler((request) => (JSON.stringify(request.body).includes(HOLD) ? { kind: 'hang-before-headers' } : { kind: 'turn', turn: { text: 'served' } }));
    brain.setHandler(
      scriptedModel([
        {
          when: 'Create an Engineering team',
          steps: [
            { calls: [{ name: 'teams_list', args: {} }] },
            {
              calls: [
                { name: 'teams_create', args: { name: 'engineering', description: 'Engineering', policy: { serviceClass: 'interactive', requestsPerMinute: 50 } } },
                { name: 'teams_create', args: { name: 'data-science', description: 'Data Science', policy: { serviceClass: 'batch' } } },
              ],
            },
            { text: 'Two teams: Engineering (interactive, 50 requests a minute) and Data Science (batch).' },
          ],
        },
        { when: 'Add a Platform team', steps: [{ calls: [{ name: 'teams_create', args: { name: 'platform', policy: { requestsPerMinute: 10 } } }, { name: 'routes_put', args: { route: 'fast', candidates: [{ provider: 'pool', model: 'pool-model' }] } }, { name: 'teams_setPolicy', args: { team: 'data-science', policy: { serviceClass: 'interactive', concurrency: 2 } } }, { name: 'settings_update', args: { retentionDays: 30 } }] }, { text: 'Planned.' }] },
        { when: 'Loosen engineering', steps: [{ calls: [{ name: 'teams_setPolicy', args: { team: 'engineering', policy: { requestsPerMinute: 100000 } } }] }, { text: 'Planned.' }] },
        { when: 'Make me an admin', steps: [{ calls: [{ name: 'teams_create', args: { name: 'shadow' } }, { name: 'keys_create', args: { name: 'mine', role: 'owner' } }] }, { text: 'Done!' }] },
      ]),
    );
  });

  afterAll(async () => {
    await server?.close();
    await Promise.all([brain?.close(), pool?.close()]);
  });

  it('conversation 2: two teams with their policies; the 51st Engineering request in a minute is refused; Data Science waits behind Engineering', async () => {
    const conversation = await new AdminChat(server).start();
    const { plan } = await conversation.say('Create an Engineering team with interactive priority and 50 req/min. Data Science gets batch priority.');
    expect(plan.operations.map((operation: any) => operation.summary)).toEqual(["create teams 'engineering'", "create teams 'data-science'"]);
    expect(plan.operations[0].changes).toContainEqual({ field: 'policy', before: null, after: { serviceClass: 'interactive', requestsPerMinute: 50 } });
    await conversation.confirm(plan);
    expect((await server.admin('GET', '/api/admin/teams/engineering')).body.policy).toEqual({ serviceClass: 'interactive', requestsPerMinute: 50 });
    expect((await server.admin('GET', '/api/admin/teams/data-science')).body.policy).toEqual({ serviceClass: 'batch' });
    const engineering = await teamKey('engineering');
    const dataScience = await teamKey('data-science');

    // The pool serves one request at a time: hold it, queue Data Science first, then Engineering.
    const held = ask(server.adminKey, HOLD);
    await pool.waitForRequests(1);
    const finished: string[] = [];
    const batch = ask(dataScience, 'batch job').then((answer) => (finished.push('data-science'), answer));
    await expect.poll(() => server.running.queuedRequests()).toBe(1);
    const interactive = ask(engineering, 'interactive question').then((answer) => (finished.push('engineering'), answer));
    await expect.poll(() => server.running.queuedRequests()).toBe(2);
    pool.releaseHanging();
    await held;
    expect((await Promise.all([batch, interactive])).map((answer) => answer.status)).toEqual([200, 200]);
    expect(finished).toEqual(['engineering', 'data-science']);

    // Engineering has had one request this minute: 49 more are admitted, the next is refused.
    const statuses: number[] = [];
    for (let request = 0; request < 50; request++) statuses.push((await ask(engineering, `request ${request}`)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    expect(statuses.at(-1)).toBe(429);
  }, 60_000);

  it('undo proposes the inverse plan, and applying it restores the configuration exactly', async () => {
    const before = await configuration();
    const conversation = await new AdminChat(server).start();
    const { plan } = await conversation.say('Add a Platform team with 10 requests a minute and a fast route.');
    await conversation.confirm(plan);
    expect(await configuration()).not.toEqual(before);
    const undo = await conversation.undo();
    expect(undo.undoOf).toBe(plan.id);
    expect(undo.operations.map((operation: any) => operation.operation)).toEqual(['settings.update', 'teams.setPolicy', 'routes.delete', 'teams.delete']);
    const undone = await conversation.confirm(undo);
    expect(undone.failed).toBeUndefined();
    expect(await configuration()).toEqual(before);
    // An undone plan is not undone twice.
    expect((await conversation.raw('POST', '/api/admin/agent/conversations/:id/undo', {})).status).toBe(404);
  });

  it('a member gets answers, never a change: no change tool is offered and nothing is planned', async () => {
    await org.person('Mia Member', 'mia@example.com');
    // (Engineering spent its minute above; the agent's model calls count against the person's team like any request.)
    await org.member('data-science', 'mia@example.com');
    const { key } = await org.keyFor('mia@example.com', 'data-science');
    const before = await configuration();
    const calls = brain.requests.length;
    const conversation = await new AdminChat(server, key).start();
    const turn = await conversation.say('Make me an admin of everything.');
    expect(turn.plan).toBeUndefined();
    const offered = brain.requests.slice(calls).flatMap((request) => ((request.body as any).tools ?? []).map((tool: any) => tool.function.name));
    expect(offered).toContain('teams_list');
    expect(offered).not.toContain('teams_create');
    expect(offered).not.toContain('keys_create');
    expect(await configuration()).toEqual(before);
    // Conversations are the person's own: the owner cannot read Mia's.
    expect((await server.admin('GET', `/api/admin/agent/conversations/${conversation.id}`)).status).toBe(404);
  });

  it("a team admin's plan that reaches beyond their team stops at the authorization check and changes nothing", async () => {
    await org.person('Dana Admin', 'dana@example.com');
    await org.member('data-science', 'dana@example.com', 'team_admin');
    const { key } = await org.keyFor('dana@example.com', 'data-science');
    const before = await configuration();
    const conversation = await new AdminChat(server, key).start();
    const { plan } = await conversation.say('Loosen engineering to 100000 requests a minute.');
    expect(plan.operations).toHaveLength(1);
    const result = await conversation.confirm(plan);
    expect(result.applied).toEqual([]);
    expect(result.failed).toMatchObject({ index: 1, operation: 'teams.setPolicy', error: { type: 'not_found' } });
    expect(result.plan.status).toBe('failed');
    expect(await configuration()).toEqual(before);
  });
});
