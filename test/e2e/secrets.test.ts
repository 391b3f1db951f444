import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuxotAsync } from '../support/auxot-cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { adminAs, Org } from './helpers/governance.js';

const ORG_VALUE = 'org-secret-value-Q7xv2MZpLk';
const TEAM_VALUE = 'team-secret-value-W3nb8RtYcd';
const CLI_VALUE = 'cli-secret-value-H5jd9KsPqa';

describe('the secrets store', () => {
  let server: TestServer;
  let org: Org;
  let opsAdmin: { email: string; key: string };
  let member: { email: string; key: string };

  beforeAll(async () => {
    server = await startTestServer();
    org = new Org(server);
    await org.team('ops');
    await org.team('data');
    opsAdmin = await org.personWithKey('olga', 'ops', 'team_admin');
    member = await org.personWithKey('mo', 'ops');
  });
  afterAll(() => server.close());

  it('accepts values by scope as governance allows, lists names, scopes and last use, and never returns a value', async () => {
    const put = await server.admin('PUT', '/api/admin/secrets/GITHUB_TOKEN', { scope: 'org', value: ORG_VALUE });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ id: expect.stringMatching(/^sec_/), name: 'GITHUB_TOKEN', scope: 'org', createdAt: expect.any(String), updatedAt: expect.any(String), lastUsedAt: null });

    // A team admin: their own team's scope, not the organization's nor another team's.
    expect((await adminAs(server, opsAdmin.key, 'PUT', '/api/admin/secrets/PG_PASSWORD', { scope: 'team:ops', value: TEAM_VALUE })).status).toBe(200);
    expect((await adminAs(server, opsAdmin.key, 'PUT', '/api/admin/secrets/PG_PASSWORD', { scope: 'org', value: TEAM_VALUE })).status).toBe(403);
    expect((await adminAs(server, opsAdmin.key, 'PUT', '/api/admin/secrets/PG_PASSWORD', { scope: 'team:data', value: TEAM_VALUE })).status).toBe(404);
    // A member: only their own.
    expect((await adminAs(server, member.key, 'PUT', '/api/admin/secrets/PG_PASSWORD', { scope: 'team:ops', value: 'x' })).status).toBe(403);
    expect((await adminAs(server, member.key, 'PUT', '/api/admin/secrets/MY_TOKEN', { scope: 'user', value: 'mine-value-1234' })).status).toBe(200);
    expect((await adminAs(server, member.key, 'PUT', '/api/admin/secrets/MY_TOKEN', { scope: `user:${opsAdmin.email}`, value: 'x' })).status).toBe(404);

    const everything = (await server.admin('GET', '/api/admin/secrets')).body.data;
    expect(everything.map((secret: { name: string; scope: string }) => `${secret.scope}/${secret.name}`).sort()).toEqual(['org/GITHUB_TOKEN', 'team:ops/PG_PASSWORD', `user:${member.email}/MY_TOKEN`]);
    const teamAdminSees = (await adminAs(server, opsAdmin.key, 'GET', '/api/admin/secrets')).body.data.map((secret: { name: string }) => secret.name);
    expect(teamAdminSees).toEqual(['PG_PASSWORD']);
    const memberSees = (await adminAs(server, member.key, 'GET', '/api/admin/secrets')).body.data.map((secret: { name: string }) => secret.name);
    expect(memberSees).toEqual(['MY_TOKEN']);

    // Replacing keeps the id; the audit trail names the secret and its scope and nothing more.
    const replaced = await server.admin('PUT', '/api/admin/secrets/GITHUB_TOKEN', { scope: 'org', value: `${ORG_VALUE}-2` });
    expect(replaced.body.id).toBe(put.body.id);
    const changes = (await server.admin('GET', '/api/admin/changes?limit=50')).body.data.filter((change: { targetType: string }) => change.targetType === 'secret');
    expect(changes.map((change: { action: string }) => change.action)).toEqual(expect.arrayContaining(['secret.create', 'secret.update']));
    expect(changes.find((change: { action: string }) => change.action === 'secret.update').after).toEqual({ name: 'GITHUB_TOKEN', scope: 'org' });

    const exported = await fetch(`${server.url}/api/admin/changes/export?format=jsonl`, { headers: { authorization: `Bearer ${server.adminKey}` } }).then((response) => response.text());
    for (const text of [JSON.stringify(everything), JSON.stringify(changes), exported, JSON.stringify(server.logs()), JSON.stringify((await server.admin('GET', '/api/admin/openapi.json')).body)]) {
      for (const value of [ORG_VALUE, TEAM_VALUE]) expect(text).not.toContain(value);
    }
  });

  it('refuses bad names, empty values and unknown scopes in the admin error shape, and deletes by scope', async () => {
    const badName = await server.admin('PUT', '/api/admin/secrets/9lives', { scope: 'org', value: 'x' });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/letters/);
    expect((await server.admin('PUT', '/api/admin/secrets/EMPTY', { scope: 'org', value: '' })).status).toBe(400);
    const badScope = await server.admin('PUT', '/api/admin/secrets/X', { scope: 'galaxy', value: 'x' });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error.param).toBe('scope');
    expect((await server.admin('DELETE', '/api/admin/secrets/PG_PASSWORD?scope=org')).status).toBe(404);
    expect((await adminAs(server, opsAdmin.key, 'DELETE', '/api/admin/secrets/PG_PASSWORD?scope=team:ops')).status).toBe(204);
    expect((await server.admin('GET', '/api/admin/secrets')).body.data.map((secret: { name: string }) => secret.name)).not.toContain('PG_PASSWORD');
  });

  it('auxot secrets set reads the value from standard input; list and delete work from the command line', async () => {
    const env = { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: opsAdmin.key };
    const set = await runAuxotAsync(['secrets', 'set', 'DEPLOY_KEY', '--scope', 'team:ops', '--json'], env, `${CLI_VALUE}\n`);
    expect(set.status, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ name: 'DEPLOY_KEY', scope: 'team:ops', lastUsedAt: null });
    const list = await runAuxotAsync(['secrets', 'list', '--table'], env);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/DEPLOY_KEY\s+team:ops/);
    for (const output of [set.stdout, set.stderr, list.stdout, list.stderr]) expect(output).not.toContain(CLI_VALUE);

    const empty = await runAuxotAsync(['secrets', 'set', 'NOTHING', '--scope', 'team:ops'], env, '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/no value on standard input/);
    const refused = await runAuxotAsync(['secrets', 'set', 'ORG_ONE', '--scope', 'org'], env, 'v');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 403/);

    const deleted = await runAuxotAsync(['secrets', 'delete', 'DEPLOY_KEY', '--scope', 'team:ops'], env);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect((await server.admin('GET', '/api/admin/secrets')).body.data.map((secret: { name: string }) => secret.name)).not.toContain('DEPLOY_KEY');
  });
});
