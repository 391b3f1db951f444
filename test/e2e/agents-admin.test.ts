import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminAs, Org } from './helpers/governance.js';

describe('agents, skills and context files through the admin API', () => {
  let server: TestServer;
  let org: Org;

  beforeAll(async () => {
    server = await startTestServer();
    org = new Org(server);
    await org.team('ops');
    await org.team('data');
  });
  afterAll(() => server.close());

  it('stores a skill, a context file and an agent that attaches them, and audits each change', async () => {
    const skill = await server.admin('PUT', '/api/admin/skills/triage', { scope: 'team:ops', description: 'Triage an incident', body: '# Steps\n1. Look', files: [{ path: 'runbook.md', content: 'restart it' }] });
    expect(skill.status).toBe(200);
    expect(skill.body).toMatchObject({ name: 'triage', scope: expect.stringMatching(/^team:/), files: [{ path: 'runbook.md' }] });
    const context = await server.admin('PUT', '/api/admin/context-files/oncall', { scope: 'org', content: 'Pager: #ops' });
    expect(context.body).toMatchObject({ name: 'oncall', bytes: 11 });
    const agent = await server.admin('PUT', '/api/admin/agents/ops-triage', { team: 'ops', personality: 'You are calm.', skills: ['triage'], contextFiles: ['oncall'], maxSteps: 4 });
    expect(agent.status, JSON.stringify(agent.body)).toBe(200);
    expect(agent.body).toMatchObject({ name: 'ops-triage', team: 'ops', skills: ['triage'], contextFiles: ['oncall'], model: 'auto', maxSteps: 4 });
    const changes = (await server.admin('GET', '/api/admin/changes?limit=10')).body.data.map((change: { action: string }) => change.action);
    expect(changes).toEqual(expect.arrayContaining(['skill.create', 'contextFile.create', 'agent.create']));
  });

  it('refuses bad skill names and oversized context files in the admin error shape', async () => {
    const bad = await server.admin('PUT', '/api/admin/skills/Bad_Name', { scope: 'org', description: 'x', body: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/lowercase/);
    const big = await server.admin('PUT', '/api/admin/context-files/big', { scope: 'org', content: 'x'.repeat(70_000) });
    expect(big.status).toBe(400);
  });

  it("hides another team's agent from a member of a different team, and lets no member change it", async () => {
    const dana = await org.personWithKey('dana', 'data');
    const list = await adminAs(server, dana.key, 'GET', '/api/admin/agents');
    expect(list.body.data.map((agent: { name: string }) => agent.name)).not.toContain('ops-triage');
    expect((await adminAs(server, dana.key, 'GET', '/api/admin/agents/ops-triage')).status).toBe(404);
    expect((await adminAs(server, dana.key, 'PUT', '/api/admin/agents/ops-triage', { team: 'ops' })).status).toBe(404);
  });

  it('describes the new routes in the OpenAPI document', async () => {
    const document = (await server.admin('GET', '/api/admin/openapi.json')).body;
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/admin/agents/{agent}', '/api/admin/skills/{skill}', '/api/admin/context-files/{contextFile}', '/api/admin/agent-runs']));
  });
});
