import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ask } from './helpers/cascade-calls.js';
import { adminAs, Org } from './helpers/governance.js';

/**
 * Tenant isolation and roles, through the real admin API: a team's people cannot see, use or learn
 * of another team's keys, usage, audit or policy; members cannot manage; a team admin cannot raise
 * their own limits or touch another team.
 */
describe('governance: isolation and roles', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let org: Org;
  let alice: { email: string; key: string; id: string };
  let bob: { email: string; key: string; id: string };
  let carol: { email: string; key: string; id: string };
  let teamB: { id: string };
  let carolAccountKey: string;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'cloud', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['m'] });
    org = new Org(server);
    await org.team('alpha', { limits: { requestsPerMinute: 100 } });
    teamB = await org.team('beta');
    alice = await org.personWithKey('alice', 'alpha', 'team_admin');
    bob = await org.personWithKey('bob', 'alpha');
    carol = await org.personWithKey('carol', 'beta', 'team_admin');
    const account = await adminAs(server, carol.key, 'POST', '/api/admin/service-accounts', { team: 'beta', name: 'pipeline' });
    expect(account.status).toBe(201);
    carolAccountKey = (await adminAs(server, carol.key, 'POST', '/api/admin/keys', { name: 'pipeline-key', serviceAccount: account.body.id })).body.key;
    // Traffic in both teams, so usage and audit have something to hide.
    for (const key of [alice.key, bob.key, carol.key, carolAccountKey]) expect((await ask(server, 'm', 'hi', { key })).status).toBe(200);
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it("never shows one team another team's keys, usage, requests, changes or policy", async () => {
    const keys = await adminAs(server, alice.key, 'GET', '/api/admin/keys');
    const keyIds = keys.body.data.map((key: { id: string }) => key.id);
    expect(keyIds).toContain(bob.id);
    expect(keyIds).not.toContain(carol.id);
    for (const path of ['/api/admin/teams/beta', `/api/admin/teams/${teamB.id}`, '/api/admin/teams/beta/members', '/api/admin/usage?team=beta', '/api/admin/requests?team=beta', '/api/admin/changes?team=beta']) {
      const answer = await adminAs(server, alice.key, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.message).toMatch(/No team/);
    }
    // Another team's key is "not found", whatever is asked of it.
    expect((await adminAs(server, alice.key, 'PATCH', `/api/admin/keys/${carol.id}`, { name: 'mine now' })).status).toBe(404);
    expect((await adminAs(server, alice.key, 'DELETE', `/api/admin/keys/${carol.id}`)).status).toBe(404);

    // What team alpha's admin can read holds nothing of team beta: no id, no key name.
    const secretsOfBeta = [teamB.id, carol.id, 'pipeline', carol.email];
    for (const path of ['/api/admin/teams', '/api/admin/keys', '/api/admin/usage?groupBy=team,key,user', '/api/admin/requests?limit=500', '/api/admin/changes?limit=500', '/api/admin/service-accounts', '/api/admin/users']) {
      const answer = await adminAs(server, alice.key, 'GET', path);
      expect(answer.status, path).toBe(200);
      const text = JSON.stringify(answer.body);
      for (const secret of secretsOfBeta) expect(text, `${path} leaks ${secret}`).not.toContain(secret);
    }
    const usage = await adminAs(server, alice.key, 'GET', '/api/admin/usage?groupBy=team');
    expect(usage.body.data.map((row: { team: string }) => row.team)).toEqual(['alpha']);
    expect(usage.body.data[0].requests).toBe(2);
  });

  it('lets a member create and list only their own keys and read only their own usage, nothing else', async () => {
    const created = await adminAs(server, bob.key, 'POST', '/api/admin/keys', { name: 'bob-laptop' });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatchObject({ owner: { kind: 'user', name: bob.email }, team: 'alpha' });
    const listed = await adminAs(server, bob.key, 'GET', '/api/admin/keys');
    expect(listed.body.data.map((key: { name: string }) => key.name).sort()).toEqual(['bob-laptop', `${bob.email}-alpha`]);
    const usage = await adminAs(server, bob.key, 'GET', '/api/admin/usage?groupBy=user');
    expect(usage.body.data).toEqual([expect.objectContaining({ user: bob.email, requests: 1 })]);
    const requests = await adminAs(server, bob.key, 'GET', '/api/admin/requests');
    expect(requests.body.data.every((record: { userId: string }) => record.userId === requests.body.data[0].userId)).toBe(true);

    const forbidden: Array<[string, string, unknown]> = [
      ['POST', '/api/admin/teams', { name: 'mine' }],
      ['PUT', '/api/admin/teams/alpha/policy', { policy: { requestsPerMinute: 5 } }],
      ['PUT', '/api/admin/teams/alpha/members/someone%40example.com', { role: 'member' }],
      ['GET', '/api/admin/providers', undefined],
      ['POST', '/api/admin/users', { name: 'X', email: 'x@example.com' }],
      ['GET', '/api/admin/changes', undefined],
      ['POST', '/api/admin/keys', { name: 'for alice', user: alice.email }],
    ];
    for (const [method, path, body] of forbidden) {
      const answer = await adminAs(server, bob.key, method, path, body);
      expect([403, 404], `${method} ${path}`).toContain(answer.status);
      if (answer.status === 403) expect(answer.body.error.message).toMatch(/Forbidden: .+ needs/);
    }
  });

  it("lets a team admin set their team's policy within the limits, and nothing beyond", async () => {
    const within = await adminAs(server, alice.key, 'PUT', '/api/admin/teams/alpha/policy', { policy: { requestsPerMinute: 80, maxOutputTokens: 500 } });
    expect(within.status).toBe(200);
    expect(within.body.effectivePolicy).toMatchObject({ requestsPerMinute: 80, maxOutputTokens: 500 });
    const beyond = await adminAs(server, alice.key, 'PUT', '/api/admin/teams/alpha/policy', { policy: { requestsPerMinute: 500 } });
    expect(beyond.status).toBe(403);
    expect(beyond.body.error.message).toMatch(/requestsPerMinute \(the organization allows at most 100\)/);
    const raise = await adminAs(server, alice.key, 'PUT', '/api/admin/teams/alpha/limits', { limits: { requestsPerMinute: 1000 } });
    expect(raise.status).toBe(403);
    expect(raise.body.error.message).toMatch(/needs the organization's owner or admin role/);
    expect((await adminAs(server, alice.key, 'PUT', '/api/admin/teams/beta/policy', { policy: {} })).status).toBe(404);
    // A team admin manages their team's members and keys.
    await org.person('dan', 'dan@example.com');
    expect((await adminAs(server, alice.key, 'PUT', '/api/admin/teams/alpha/members/dan%40example.com', { role: 'member' })).status).toBe(200);
    const forDan = await adminAs(server, alice.key, 'POST', '/api/admin/keys', { name: 'dan-key', user: 'dan@example.com', team: 'alpha' });
    expect(forDan.status).toBe(201);
    expect((await ask(server, 'm', 'hello from dan', { key: forDan.body.key })).status).toBe(200);
  });

  it('refuses a revoked key on its very next request, and a disabled person at once', async () => {
    const spare = await adminAs(server, bob.key, 'POST', '/api/admin/keys', { name: 'short-lived' });
    expect((await ask(server, 'm', 'before', { key: spare.body.key })).status).toBe(200);
    expect((await adminAs(server, bob.key, 'DELETE', `/api/admin/keys/${spare.body.apiKey.id}`)).status).toBe(200);
    expect((await ask(server, 'm', 'after', { key: spare.body.key })).status).toBe(401);

    const erin = await org.personWithKey('erin', 'beta');
    expect((await ask(server, 'm', 'hi', { key: erin.key })).status).toBe(200);
    expect((await server.admin('PATCH', `/api/admin/users/${encodeURIComponent(erin.email)}`, { disabled: true })).status).toBe(200);
    const refused = await ask(server, 'm', 'hi', { key: erin.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/disabled/);
  });

  it('audits configuration changes with who, before and after, and never a secret value', async () => {
    await server.addProvider({ name: 'secretive', kind: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: 'sk-never-in-the-audit-trail-0123456789', models: ['s'] });
    await org.policy('beta', { approvedModels: ['m'] });
    await org.policy('beta', { approvedModels: ['m', 'gpt-*'] });
    const changes = (await server.admin('GET', '/api/admin/changes?team=beta&limit=5')).body.data;
    expect(changes[0]).toMatchObject({ action: 'team.policy', actorKind: 'user', actorName: 'Owner', targetName: 'beta', before: { policy: { approvedModels: ['m'] } }, after: { policy: { approvedModels: ['m', 'gpt-*'] } } });
    const all = await server.admin('GET', '/api/admin/changes?limit=500');
    expect(all.body.data.some((change: { action: string }) => change.action === 'provider.create')).toBe(true);
    expect(JSON.stringify(all.body)).not.toContain('sk-never-in-the-audit-trail');
    const byAlice = await server.admin('GET', `/api/admin/changes?actor=${(await server.admin('GET', `/api/admin/users/${encodeURIComponent(alice.email)}`)).body.id}`);
    expect(byAlice.body.data.map((change: { action: string }) => change.action)).toEqual(expect.arrayContaining(['team.policy', 'team.member.put', 'key.create']));
  });
});
