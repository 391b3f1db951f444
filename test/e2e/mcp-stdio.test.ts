import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCallContext } from '../../src/agents/tool-source.js';
import type { Principal } from '../../src/governance/principal.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { agentScope, mcpServerBin, ok, principalOf } from './helpers/mcp.js';

const TOKEN = 'stdio-secret-Zq81xWv4Kp2MnB7c';

describe('MCP servers from npm over stdio, through McpToolSource', () => {
  let server: TestServer;
  let principal: Principal;
  let files: string;
  let connectionId: string;
  const everything = { connection: 'everything', allowTools: ['echo', 'get-env', 'trigger-long-running-operation'] };
  const filesystem = { connection: 'files', allowTools: ['list_directory', 'read_text_file'] };
  const scope = () => agentScope(principal.orgId, [everything, filesystem]);
  const context = (overrides: Partial<ToolCallContext> = {}): ToolCallContext => ({ principal, agent: scope(), signal: new AbortController().signal, timeoutMs: 30_000, ...overrides });

  beforeAll(async () => {
    server = await startTestServer();
    principal = await principalOf(server, server.adminKey);
    files = mkdtempSync(join(tmpdir(), 'auxot-mcp-files-'));
    writeFileSync(join(files, 'notes.md'), 'the release is on Friday\n');
    writeFileSync(join(files, 'big.txt'), 'x'.repeat(10_000));
    await ok(server, 'PUT', '/api/admin/secrets/EVERYTHING_TOKEN', { scope: 'org', value: TOKEN });
    const created = await ok(server, 'PUT', '/api/admin/mcp-connections/everything', {
      description: 'The MCP reference server',
      transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-everything'), 'stdio'], env: { API_TOKEN: '${secret:EVERYTHING_TOKEN}' } },
    });
    connectionId = created.id;
    expect(created).toMatchObject({ name: 'everything', secrets: ['EVERYTHING_TOKEN'], approvedTools: [], transport: { env: { API_TOKEN: '${secret:EVERYTHING_TOKEN}' } } });
    await ok(server, 'PUT', '/api/admin/mcp-connections/files', { transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-filesystem'), files] } });
  });
  afterAll(async () => {
    await server.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('lists discovered tools as pending, approves them, and offers only approved tools the agent allows, namespaced', async () => {
    const discovered = (await ok(server, 'GET', '/api/admin/mcp-connections/everything/tools')).data;
    expect(discovered.length).toBeGreaterThan(5);
    expect(discovered.every((tool: { state: string }) => tool.state === 'pending')).toBe(true);
    expect(discovered.find((tool: { name: string }) => tool.name === 'echo')).toMatchObject({ exposedName: 'everything__echo', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Nothing is offered before approval.
    expect(await server.running.agentTools.mcp.tools(scope(), principal, new AbortController().signal)).toEqual([]);

    await ok(server, 'POST', '/api/admin/mcp-connections/everything/tools/approve', { tools: ['echo', 'get-env', 'trigger-long-running-operation', 'get-sum'] });
    await ok(server, 'POST', '/api/admin/mcp-connections/files/tools/approve', { tools: ['*'] });
    const tools = await server.running.agentTools.mcp.tools(scope(), principal, new AbortController().signal);
    const names = tools.map((tool) => tool.name).sort();
    // get-sum is approved but not in this agent's allow list; write_file is approved but not allowed either.
    expect(names).toEqual(['everything__echo', 'everything__get-env', 'everything__trigger-long-running-operation', 'files__list_directory', 'files__read_text_file']);
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.inputSchema.type).toBe('object');
    }
  });

  it('calls tools of both servers and returns their results as text; a tool outside the allow list is refused', async () => {
    const source = server.running.agentTools.mcp;
    expect(await source.call('everything__echo', { message: 'hello' }, context())).toEqual({ content: 'Echo: hello', isError: false });
    const read = await source.call('files__read_text_file', { path: join(files, 'notes.md') }, context());
    expect(read).toEqual({ content: 'the release is on Friday\n', isError: false });
    const listing = await source.call('files__list_directory', { path: files }, context());
    expect(listing.content).toContain('[FILE] notes.md');
    const refused = await source.call('files__write_file', { path: join(files, 'x'), content: 'x' }, context());
    expect(refused).toMatchObject({ isError: true, content: expect.stringMatching(/not allowed for this agent/) });
    expect(existsSync(join(files, 'x'))).toBe(false);
    const outsideRoot = await source.call('files__read_text_file', { path: '/etc/hostname' }, context());
    expect(outsideRoot.isError).toBe(true);
  });

  it('runs the server in its own directory with only PATH and its declared environment; the injected secret reaches it but not the model', async () => {
    const env = await server.running.agentTools.mcp.call('everything__get-env', {}, context());
    expect(env.isError).toBe(false);
    const variables = JSON.parse(env.content) as Record<string, string>;
    // The value was there (the server printed it and Auxot replaced it) and nothing else of Auxot's environment.
    expect(variables.API_TOKEN).toBe('[secret]');
    expect(Object.keys(variables).sort()).toEqual(['API_TOKEN', 'PATH']);
    expect(env.content).not.toContain(TOKEN);
    expect(existsSync(join(server.dataDir, 'mcp', connectionId))).toBe(true);
    const secrets = (await ok(server, 'GET', '/api/admin/secrets')).data;
    expect(secrets.find((secret: { name: string }) => secret.name === 'EVERYTHING_TOKEN').lastUsedAt).not.toBeNull();
  });

  it('reuses one connection across runs', async () => {
    const source = server.running.agentTools.mcp;
    const before = server.running.agentTools.pool.sessionsOf('everything').map((session) => session.pid());
    await source.tools(scope(), principal, new AbortController().signal);
    await source.call('everything__echo', { message: 'again' }, context());
    expect(server.running.agentTools.pool.sessionsOf('everything').map((session) => session.pid())).toEqual(before);
    expect(before).toHaveLength(1);
  });

  it('a server killed mid-call gives a clean error outcome; the next call starts it again', async () => {
    const source = server.running.agentTools.mcp;
    const [session] = server.running.agentTools.pool.sessionsOf('everything');
    const pid = session?.pid();
    expect(pid).toBeDefined();
    const working = once(server.running.agentTools.pool.events, 'progress');
    const call = source.call('everything__trigger-long-running-operation', { duration: 60, steps: 60 }, context());
    await working;
    process.kill(pid as number, 'SIGKILL');
    const outcome = await call;
    expect(outcome.isError).toBe(true);
    expect(outcome.content).toMatch(/stopped during the call.*restarted on the next call/);
    expect(await source.call('everything__echo', { message: 'back' }, context())).toEqual({ content: 'Echo: back', isError: false });
    const [restarted] = server.running.agentTools.pool.sessionsOf('everything');
    expect(restarted?.pid()).not.toBe(pid);
    expect(server.logs().some((line) => line.msg === 'mcp server connection lost; the next call reconnects' && line.connection === 'everything')).toBe(true);
  });

  it('honours the abort signal and the per-call timeout (the request is cancelled, the server keeps serving)', async () => {
    const source = server.running.agentTools.mcp;
    const controller = new AbortController();
    const working = once(server.running.agentTools.pool.events, 'progress');
    const call = source.call('everything__trigger-long-running-operation', { duration: 60, steps: 60 }, context({ signal: controller.signal }));
    await working;
    controller.abort();
    expect(await call).toMatchObject({ isError: true, content: expect.stringMatching(/cancelled/) });
    const timedOut = await source.call('everything__trigger-long-running-operation', { duration: 60, steps: 1 }, context({ timeoutMs: 200 }));
    expect(timedOut).toMatchObject({ isError: true, content: expect.stringMatching(/did not answer within 200 ms/) });
    expect((await source.call('everything__echo', { message: 'still here' }, context())).content).toBe('Echo: still here');
  });

  it('caps results at the connection’s limit; changing only the limit keeps the approvals', async () => {
    const current = await ok(server, 'GET', '/api/admin/mcp-connections/files');
    const updated = await ok(server, 'PUT', '/api/admin/mcp-connections/files', { transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-filesystem'), files] }, maxResultBytes: 1024 });
    expect(updated.approvedTools).toEqual(current.approvedTools);
    const big = await server.running.agentTools.mcp.call('files__read_text_file', { path: join(files, 'big.txt') }, context());
    expect(big.isError).toBe(false);
    expect(big.content).toMatch(/^x{1024}\n\[result cut: 1024 of 10000 bytes shown\]$/);
  });

  it('a server that cannot start, or a secret that is not set, is an error outcome and leaves its tools out', async () => {
    await ok(server, 'PUT', '/api/admin/mcp-connections/broken', { transport: { type: 'stdio', command: '/nonexistent/mcp-server', args: [] } });
    await ok(server, 'PUT', '/api/admin/mcp-connections/needs-secret', { transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-everything'), 'stdio'], env: { T: '${secret:NOT_SET}' } } });
    const attachments = [{ connection: 'broken', allowTools: ['*'] }, { connection: 'needs-secret', allowTools: ['*'] }, everything];
    const tools = await server.running.agentTools.mcp.tools(agentScope(principal.orgId, attachments), principal, new AbortController().signal);
    expect(tools.map((tool) => tool.name)).toContain('everything__echo');
    expect(tools.some((tool) => tool.name.startsWith('broken__') || tool.name.startsWith('needs-secret__'))).toBe(false);
    const broken = await server.running.agentTools.mcp.call('broken__anything', {}, context({ agent: agentScope(principal.orgId, attachments) }));
    expect(broken).toMatchObject({ isError: true, content: expect.stringMatching(/Cannot connect to MCP server 'broken'.*ENOENT/) });
    const missing = await server.running.agentTools.mcp.call('needs-secret__echo', {}, context({ agent: agentScope(principal.orgId, attachments) }));
    expect(missing).toMatchObject({ isError: true, content: "MCP connection 'needs-secret' needs secret 'NOT_SET', which is not set in its scope" });
    expect(server.logs().some((line) => line.msg === 'mcp connection unavailable; its tools are left out of this run' && line.connection === 'broken')).toBe(true);
  });

  it('never shows the secret value in API responses, the audit trail or the logs', async () => {
    const texts = [
      JSON.stringify(await ok(server, 'GET', '/api/admin/mcp-connections')),
      JSON.stringify(await ok(server, 'GET', '/api/admin/mcp-connections/everything/tools')),
      JSON.stringify(await ok(server, 'GET', '/api/admin/changes?limit=200')),
      JSON.stringify(await ok(server, 'GET', '/api/admin/secrets')),
      JSON.stringify(server.logs()),
    ];
    for (const text of texts) expect(text).not.toContain(TOKEN);
    expect(texts[2]).toContain('mcp.tools.approve');
  });

  it('refuses stdio connections from a team admin, and a new transport clears the approvals', async () => {
    await ok(server, 'POST', '/api/admin/teams', { name: 'ops' }, 201);
    await ok(server, 'POST', '/api/admin/users', { name: 'Tia', email: 'tia@example.com' }, 201);
    await ok(server, 'PUT', '/api/admin/teams/ops/members/tia%40example.com', { role: 'team_admin' });
    const key = (await ok(server, 'POST', '/api/admin/keys', { name: 'tia', user: 'tia@example.com', team: 'ops' }, 201)).key;
    const answer = await fetch(`${server.url}/api/admin/mcp-connections/shell`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ team: 'ops', transport: { type: 'stdio', command: 'sh', args: ['-c', 'id'] } }),
    });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/stdio/);

    mkdirSync(join(files, 'sub'));
    const moved = await ok(server, 'PUT', '/api/admin/mcp-connections/files', { transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-filesystem'), join(files, 'sub')] } });
    expect(moved.approvedTools).toEqual([]);
    expect(await server.running.agentTools.mcp.tools(agentScope(principal.orgId, [filesystem]), principal, new AbortController().signal)).toEqual([]);
  });
});
