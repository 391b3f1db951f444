import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuxotAsync } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { Org } from './helpers/governance.js';

const SKILL_MD = `---
name: incident-triage
description: "Triage an incident: dashboards first, then logs"
---

# Triage
1. Open the dashboards.
`;

describe('auxot agents and auxot skills', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let folder: string;
  let env: Record<string, string>;
  const auxot = (...args: string[]) => runAuxotAsync(args, env);

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer();
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: upstream.baseUrl, models: ['agent-model'] });
    env = { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: server.adminKey };
    folder = await mkdtemp(join(tmpdir(), 'auxot-skill-'));
    await mkdir(join(folder, 'triage', 'scripts'), { recursive: true });
    await writeFile(join(folder, 'triage', 'SKILL.md'), SKILL_MD);
    await writeFile(join(folder, 'triage', 'scripts', 'collect.sh'), 'echo collect\n');
    await writeFile(join(folder, 'triage', '.DS_Store'), 'junk');
    await writeFile(join(folder, 'persona.md'), 'You are the calm incident lead.');
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('imports a SKILL.md folder with its files, and exports it back as it was', async () => {
    const imported = await auxot('skills', 'import', join(folder, 'triage'), '--table');
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported skill incident-triage \(org, 1 file\)/);
    const stored = await server.admin('GET', '/api/admin/skills/incident-triage');
    expect(stored.body).toMatchObject({ description: 'Triage an incident: dashboards first, then logs', files: [{ path: 'scripts/collect.sh', content: 'echo collect\n' }] });
    const listed = await auxot('skills', 'list', '--json');
    expect(JSON.parse(listed.stdout).data.map((skill: { name: string }) => skill.name)).toContain('incident-triage');

    const out = join(folder, 'exported');
    const exported = await auxot('skills', 'export', 'incident-triage', out);
    expect(exported.status, exported.stderr).toBe(0);
    expect(await readFile(join(out, 'scripts', 'collect.sh'), 'utf8')).toBe('echo collect\n');
    const reimported = await auxot('skills', 'import', out, '--json');
    expect(JSON.parse(reimported.stdout)).toMatchObject({ name: 'incident-triage', body: stored.body.body, files: stored.body.files });
  });

  it('refuses a folder without SKILL.md or with a bad name, with exit code 2', async () => {
    const missing = await auxot('skills', 'import', folder);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/has no SKILL\.md/);
    await mkdir(join(folder, 'bad'), { recursive: true });
    await writeFile(join(folder, 'bad', 'SKILL.md'), '---\nname: Bad_Name\ndescription: x\n---\nbody');
    const bad = await auxot('skills', 'import', join(folder, 'bad'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/lowercase/);
  });

  it('creates an agent that is callable at once, shows it, and lists its runs', async () => {
    const set = await auxot('agents', 'set', 'incident', '--personality-file', join(folder, 'persona.md'), '--skills', 'incident-triage', '--model', 'agent-model', '--max-steps', '3', '--table');
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/call it as model agent:incident/);
    const shown = await auxot('agents', 'show', 'incident', '--table');
    expect(shown.stdout).toMatch(/skills:\s+incident-triage/);
    expect(shown.stdout).toContain('You are the calm incident lead.');

    upstream.setHandler(() => ({ kind: 'turn', turn: { text: 'On it.' } }));
    const openai = new OpenAI({ apiKey: server.adminKey, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'agent:incident', messages: [{ role: 'user', content: 'Pager went off.' }] });
    expect(answer.choices[0]?.message.content).toBe('On it.');
    const system = JSON.stringify((upstream.requests.at(-1)?.body as { messages: unknown[] }).messages[0]);
    expect(system).toContain('You are the calm incident lead.');
    expect(system).toContain('incident-triage: Triage an incident');

    const runs = await auxot('agents', 'runs', '--agent', 'incident', '--json');
    expect(JSON.parse(runs.stdout).data).toEqual([expect.objectContaining({ agentName: 'incident', status: 'completed' })]);
    const list = await auxot('agents', 'list', '--table');
    expect(list.stdout).toMatch(/incident\s+\(org\)\s+agent-model\s+incident-triage/);
  });

  it("gives a member no way to change an agent, and refuses a bad --mcp value with exit code 2", async () => {
    const org = new Org(server);
    await org.team('sre');
    const member = await org.personWithKey('mo', 'sre');
    const refused = await runAuxotAsync(['agents', 'set', 'incident', '--description', 'mine now'], { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: member.key });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/permission|owner|admin/i);
    const bad = await auxot('agents', 'set', 'incident', '--mcp', 'no-equals-sign');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/connection=tool/);
    expect((await server.admin('GET', '/api/admin/agents/incident')).body.description).toBe('');
  });
});
