import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { mcpServerBin, ok } from './helpers/mcp.js';

const TOKEN = 'agent-loop-secret-Hq73Lw0Pz5Xc2Vb9';

type WireMessage = { role: string; content?: unknown };
const lastOf = (request: RecordedRequest): WireMessage => (request.body as { messages: WireMessage[] }).messages.at(-1) as WireMessage;
const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Agents whose tools are real MCP servers from npm, driven end to end by a scripted model. */
describe('agents with MCP tools, the whole loop', () => {
  let server: TestServer;
  let upstream: MockUpstream;
  let files: string;

  beforeAll(async () => {
    upstream = await startMockUpstream({ dialect: 'anthropic' });
    server = await startTestServer();
    files = mkdtempSync(join(tmpdir(), 'auxot-agent-files-'));
    writeFileSync(join(files, 'release.md'), 'The release train leaves on Friday at 10:00.\n');
    await server.addProvider({ name: 'claude', kind: 'anthropic', apiKey: 'sk-ant-test', baseUrl: upstream.baseUrl, models: ['claude-test'] });
    await ok(server, 'PUT', '/api/admin/secrets/EVERYTHING_TOKEN', { scope: 'org', value: TOKEN });
    await ok(server, 'PUT', '/api/admin/mcp-connections/files', { transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-filesystem'), files] } });
    await ok(server, 'PUT', '/api/admin/mcp-connections/everything', {
      transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-everything'), 'stdio'], env: { API_TOKEN: '${secret:EVERYTHING_TOKEN}' } },
    });
    await ok(server, 'GET', '/api/admin/mcp-connections/files/tools');
    await ok(server, 'GET', '/api/admin/mcp-connections/everything/tools');
    await ok(server, 'POST', '/api/admin/mcp-connections/files/tools/approve', { tools: ['read_text_file'] });
    await ok(server, 'POST', '/api/admin/mcp-connections/everything/tools/approve', { tools: ['echo', 'trigger-long-running-operation'] });
    await ok(server, 'PUT', '/api/admin/agents/release-bot', {
      personality: 'You answer questions about releases from the files.',
      model: 'claude-test',
      mcp: [
        { connection: 'files', allowTools: ['read_text_file'] },
        { connection: 'everything', allowTools: ['echo', 'trigger-long-running-operation'] },
      ],
    });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('reads a file through server-filesystem and answers from it, over the Anthropic SDK, streaming', async () => {
    upstream.setHandler((request) =>
      lastOf(request).role === 'user' && text(lastOf(request).content).includes('tool_result')
        ? { kind: 'turn', turn: { text: `From the file: ${text(lastOf(request).content).includes('Friday at 10:00') ? 'Friday at 10:00' : 'unknown'}` } }
        : { kind: 'turn', turn: { toolCalls: [{ name: 'files__read_text_file', arguments: JSON.stringify({ path: join(files, 'release.md') }) }] } },
    );
    const from = upstream.requests.length;
    const anthropic = new Anthropic({ apiKey: server.adminKey, baseURL: `${server.url}/api/anthropic`, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'agent:release-bot', max_tokens: 300, messages: [{ role: 'user', content: 'When is the release?' }] });
    const steps: Array<{ type: string; tool?: string; outcome?: string }> = [];
    stream.on('streamEvent', (event) => {
      if ((event as { type: string }).type === 'agent_step') steps.push((event as unknown as { auxot_agent_step: { type: string; tool?: string; outcome?: string } }).auxot_agent_step);
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'From the file: Friday at 10:00' })]);
    expect(steps.find((step) => step.type === 'tool')).toMatchObject({ tool: 'files__read_text_file', outcome: 'ok' });
    const first = upstream.requests[from] as RecordedRequest;
    expect(((first.body as { tools: Array<{ name: string }> }).tools).map((tool) => tool.name).sort()).toEqual(['everything__echo', 'everything__trigger-long-running-operation', 'files__read_text_file']);
  });

  it('goes on with a clean tool error when the MCP server dies mid-call, and the server is restarted for the next call', async () => {
    let toolResults = 0;
    upstream.setHandler((request) => {
      const last = lastOf(request);
      if (text(last.content).includes('tool_result')) {
        toolResults++;
        return toolResults === 1
          ? { kind: 'turn', turn: { toolCalls: [{ name: 'everything__echo', arguments: '{"message":"after the crash"}' }] } }
          : { kind: 'turn', turn: { text: 'Recovered.' } };
      }
      return { kind: 'turn', turn: { toolCalls: [{ name: 'everything__trigger-long-running-operation', arguments: '{"duration":60,"steps":60}' }] } };
    });
    const from = upstream.requests.length;
    const pool = server.running.agentTools.pool;
    const working = once(pool.events, 'progress');
    const openai = new OpenAI({ apiKey: server.adminKey, baseURL: `${server.url}/api/openai/v1`, maxRetries: 0 });
    const answer = openai.chat.completions.create({ model: 'agent:release-bot', messages: [{ role: 'user', content: 'Run the long job.' }] });
    await working;
    const [session] = pool.sessionsOf('everything');
    process.kill(session?.pid() as number, 'SIGKILL');
    const completion = await answer;
    expect(completion.choices[0]?.message.content).toBe('Recovered.');
    const steps = (completion as unknown as { auxot_agent_run: { steps: Array<{ type: string; tool?: string; outcome?: string; result?: string }> } }).auxot_agent_run.steps.filter((step) => step.type === 'tool');
    expect(steps.map((step) => [step.tool, step.outcome])).toEqual([
      ['everything__trigger-long-running-operation', 'error'],
      ['everything__echo', 'ok'],
    ]);
    // The model was told, as a tool result, that the server stopped.
    expect(text(lastOf(upstream.requests[from + 1] as RecordedRequest).content)).toMatch(/stopped during the call/);
    expect(steps[1]?.result).toBe('Echo: after the crash');
  });

  it('never lets the injected secret reach the model, the caller, the run records, the audit trail or the logs', async () => {
    const texts = [
      JSON.stringify(upstream.requests.map((request) => request.body)),
      JSON.stringify(await ok(server, 'GET', '/api/admin/agent-runs?limit=50')),
      JSON.stringify(await ok(server, 'GET', '/api/admin/requests?limit=200')),
      JSON.stringify(await ok(server, 'GET', '/api/admin/changes?limit=200')),
      JSON.stringify(await ok(server, 'GET', '/api/admin/mcp-connections/everything')),
      JSON.stringify(server.logs()),
    ];
    for (const entry of texts) expect(entry).not.toContain(TOKEN);
    expect(texts[1]).toContain('everything__echo');
  });
});
