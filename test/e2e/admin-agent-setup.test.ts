import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { AdminChat, scriptedModel, tuneAdminAgent, turnOf } from './helpers/admin-agent.js';
import { mcpServerBin } from './helpers/mcp.js';

const ANTHROPIC_KEY = 'sk-ant-api03-Xq7sK2mN9pL4vR8tY1wE6uI3oA5sD0fG';

/**
 * The Admin Agent setting up providers and routes (conversations 1 and 3 of the product page),
 * with a scripted model and every result checked through the REST API and real traffic.
 */
describe('the Admin Agent sets up GPUs, a cloud fallback and a coding route', () => {
  let server: TestServer;
  let brain: MockUpstream;
  let anthropic: MockUpstream;
  let inference: MockUpstream;
  let worker: WorkerProcess | undefined;
  let openai: OpenAI;
  const chat = (): AdminChat => new AdminChat(server);

  beforeAll(async () => {
    brain = await startMockUpstream({ dialect: 'openai' });
    anthropic = await startMockUpstream({ dialect: 'anthropic' });
    inference = await startMockUpstream({ dialect: 'openai' });
    server = await startTestServer({ AUXOT_WORKER_HEARTBEAT_MS: '300' });
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: brain.baseUrl, models: ['admin-model', 'agent-model'] });
    await tuneAdminAgent(server, 'admin-model');
    await server.admin('PUT', '/api/admin/skills/review', { scope: 'org', description: 'Review a change for bugs and risks', body: '# Review\nRead the diff twice. REVIEW-SKILL-BODY' });
    const admin = scriptedModel([
        {
          when: 'gpu-rack.internal',
          steps: [
            { calls: [{ name: 'providers_list', args: {} }] },
            {
              calls: [
                { name: 'providers_create', args: { name: 'gpu-rack', kind: 'gpu-worker', models: ['llama-70b'], settings: { maxConcurrency: 4 } } },
                { name: 'workerKeys_create', args: { provider: 'gpu-rack', name: 'gpu-rack-internal' } },
                { name: 'providers_create', args: { name: 'anthropic', kind: 'anthropic', baseUrl: anthropic.baseUrl, apiKeySlot: 'anthropic-api-key', models: ['claude-sonnet-4-5'] } },
                { name: 'routes_put', args: { route: 'default', candidates: [{ provider: 'gpu-rack', model: 'llama-70b' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] } },
              ],
            },
            { text: 'Here is the plan: the GPU pool with a worker key, Anthropic as the fallback, and the default route GPU first.' },
          ],
        },
        {
          when: 'Route coding requests',
          steps: [
            { calls: [{ name: 'providers_list', args: {} }, { name: 'routes_list', args: {} }] },
            {
              calls: [
                { name: 'providers_create', args: { name: 'claude-cli', kind: 'cli-worker', models: ['claude-code'] } },
                { name: 'routes_put', args: { route: 'coding', candidates: [{ provider: 'gpu-rack', model: 'llama-70b' }, { provider: 'claude-cli', model: 'claude-code' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] } },
              ],
            },
            { text: 'coding: GPU first, then Claude Code CLI, then Anthropic.' },
          ],
        },
        {
          when: 'code-review agent',
          steps: [
            { calls: [{ name: 'skills_list', args: {} }, { name: 'mcp_list', args: {} }] },
            {
              calls: [
                // A local MCP server stands in for GitHub's.
                { name: 'mcp_put', args: { connection: 'github', description: 'GitHub', transport: { type: 'stdio', command: process.execPath, args: [mcpServerBin('server-everything'), 'stdio'] } } },
                { name: 'mcp_tools_approve', args: { connection: 'github', tools: ['echo'] } },
                { name: 'agents_put', args: { agent: 'code-review', description: 'Reviews changes', personality: 'You review code.', skills: ['review'], mcp: [{ connection: 'github', allowTools: ['echo'] }], model: 'agent-model' } },
              ],
            },
            { text: 'The code-review agent, with the review skill and the GitHub tools.' },
          ],
        },
      ]);
    // The code-review agent's own model: call the GitHub tool, then answer with what it returned.
    const reviewer = (request: Parameters<typeof admin>[0]): ReturnType<typeof admin> => {
      const { results } = turnOf(request);
      if (results.length === 0) return { kind: 'turn', turn: { toolCalls: [{ name: 'github__echo', arguments: '{"message":"PR 42"}' }] } };
      return { kind: 'turn', turn: { text: `Reviewed: ${results.join(' ')}` } };
    };
    brain.setHandler((request) => ((request.body as { model?: string }).model === 'agent-model' ? reviewer(request) : admin(request)));
    openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: server.adminKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await Promise.all([brain?.close(), anthropic?.close(), inference?.close()]);
  });

  it('conversation 1: a GPU worker pool with its key out of band, Anthropic with a key from the hidden channel, a route GPU first', async () => {
    const conversation = await chat().start();
    const turn = await conversation.say('Add our 4×A100 server at gpu-rack.internal and set up Anthropic as our cloud fallback.');
    const { plan } = turn;
    expect(plan.status).toBe('proposed');
    expect(plan.operations.map((operation: any) => operation.operation)).toEqual(['providers.create', 'workerKeys.create', 'providers.create', 'routes.put']);
    expect(plan.secretSlots).toEqual([{ name: 'anthropic-api-key', label: expect.stringContaining('apiKey'), filled: false }]);
    expect(plan.operations[2].input.apiKey).toEqual({ $secret: 'anthropic-api-key' });
    expect(plan.operations[2].risk).toContain(anthropic.baseUrl);

    // Proposed is not applied.
    expect((await server.admin('GET', '/api/admin/providers')).body.data.map((provider: any) => provider.name)).toEqual(['brain']);
    // The slot must be filled, and the hash must be the plan's.
    expect((await conversation.raw('POST', `/api/admin/agent/conversations/:id/plans/${plan.id}/confirm`, { hash: plan.hash })).status).toBe(400);
    await conversation.enterSecret('anthropic-api-key', ANTHROPIC_KEY);
    const tampered = await conversation.raw('POST', `/api/admin/agent/conversations/:id/plans/${plan.id}/confirm`, { hash: 'f'.repeat(64) });
    expect(tampered.status).toBe(409);

    const applied = await conversation.confirm(plan);
    expect(applied.failed).toBeUndefined();
    expect(applied.applied).toHaveLength(4);
    expect(applied.plan.status).toBe('applied');
    expect(applied.deliveries).toEqual([{ label: expect.stringContaining("worker key 'gpu-rack-internal'"), value: expect.stringMatching(/^axw_/) }]);
    expect((await conversation.raw('POST', `/api/admin/agent/conversations/:id/plans/${plan.id}/confirm`, { hash: plan.hash })).status).toBe(409);

    const providers = (await server.admin('GET', '/api/admin/providers')).body.data;
    expect(providers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'gpu-rack', kind: 'gpu-worker', tier: 'gpu', models: ['llama-70b'] }),
        expect.objectContaining({ name: 'anthropic', kind: 'anthropic', hasApiKey: true }),
      ]),
    );
    expect((await server.admin('GET', '/api/admin/routes')).body.data).toContainEqual(expect.objectContaining({ name: 'default', candidates: [{ provider: 'gpu-rack', model: 'llama-70b' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] }));

    // Every change is on the audit trail as the Admin Agent acting for the owner.
    const changes = (await server.admin('GET', '/api/admin/changes?limit=20')).body.data.filter((change: any) => change.actorKind === 'admin-agent');
    expect(changes.map((change: any) => change.action).sort()).toEqual(['provider.create', 'provider.create', 'route.put', 'worker-key.create']);
    expect(changes[0].actorName).toContain(plan.id);

    // Real traffic: no GPU worker yet, so the route falls back to Anthropic, with the key typed out of band.
    anthropic.setHandler(() => ({ kind: 'turn', turn: { text: 'from the cloud' } }));
    const fallback = await openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] });
    expect(fallback.choices[0]?.message.content).toBe('from the cloud');
    const [cloudCall] = await anthropic.waitForRequests(1);
    expect(cloudCall?.headers['x-api-key']).toBe(ANTHROPIC_KEY);

    // The delivered worker key connects a real GPU worker; the route now serves from it.
    worker = await startWorkerProcess(['gpu', '--server', server.url, '--upstream', inference.baseUrl, '--models', 'llama-70b', '--slots', '1', '--name', 'a100-box'], { AUXOT_WORKER_KEY: applied.deliveries[0].value });
    inference.setHandler(() => ({ kind: 'turn', turn: { text: 'from the GPUs' } }));
    const local = await openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(local.data.choices[0]?.message.content).toBe('from the GPUs');
    expect(local.response.headers.get('x-auxot-tier')).toBe('gpu');

    // The secret never passed through the conversation: not in the transcript, the model's context, the audit or the logs.
    const everywhere = JSON.stringify([await conversation.transcript(), brain.requests.map((request) => request.body), (await server.admin('GET', '/api/admin/changes?limit=100')).body, server.logs()]);
    expect(everywhere).not.toContain(ANTHROPIC_KEY);
    expect(everywhere).not.toContain(applied.deliveries[0].value);
  });

  it('conversation 3: a coding route GPU → Claude Code CLI → cloud, overflowing to the cloud when the GPU is full', async () => {
    expect(worker, 'conversation 1 connected the GPU worker').toBeDefined();
    const conversation = await chat().start();
    const { plan } = await conversation.say('Route coding requests to GPU first, then Claude Code CLI. Use Anthropic API only when GPUs are full.');
    expect(plan.operations.map((operation: any) => operation.summary)).toEqual(["create providers 'claude-cli'", "put routes 'coding'"]);
    await conversation.confirm(plan);
    expect((await server.admin('GET', '/api/admin/routes')).body.data).toContainEqual(
      expect.objectContaining({ name: 'coding', candidates: [{ provider: 'gpu-rack', model: 'llama-70b' }, { provider: 'claude-cli', model: 'claude-code' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] }),
    );

    // The worker has one slot: hold it with one request, and the next overflows past the
    // CLI tier (no CLI worker is connected) to Anthropic.
    inference.setHandler(() => ({ kind: 'hang-before-headers' }));
    const held = openai.chat.completions.create({ model: 'coding', messages: [{ role: 'user', content: 'long job' }] }).catch((error: unknown) => error);
    await inference.waitForRequests(inference.requests.length + 1);
    anthropic.setHandler(() => ({ kind: 'turn', turn: { text: 'overflow to the cloud' } }));
    const overflow = await openai.chat.completions.create({ model: 'coding', messages: [{ role: 'user', content: 'quick one' }] }).withResponse();
    expect(overflow.data.choices[0]?.message.content).toBe('overflow to the cloud');
    expect(overflow.response.headers.get('x-auxot-tier')).toBe('cloud');
    inference.releaseHanging();
    await held;
  });

  it('conversation 4: a code-review agent with the review skill and a GitHub MCP connection, callable at once', async () => {
    const conversation = await chat().start();
    const { plan } = await conversation.say('Create a code-review agent with the review skill and connect it to our GitHub MCP server.');
    expect(plan.operations.map((operation: any) => operation.operation)).toEqual(['mcp.put', 'mcp.tools.approve', 'agents.put']);
    expect(plan.operations[0].risk).toContain('MCP server');
    const applied = await conversation.confirm(plan);
    expect(applied.failed).toBeUndefined();
    expect((await server.admin('GET', '/api/admin/agents/code-review')).body).toMatchObject({ skills: ['review'], mcp: [{ connection: 'github', allowTools: ['echo'] }] });
    const tools = (await server.admin('GET', '/api/admin/mcp-connections/github/tools')).body.data;
    expect(tools.find((tool: any) => tool.name === 'echo')).toMatchObject({ state: 'approved' });

    const answer = await openai.chat.completions.create({ model: 'agent:code-review', messages: [{ role: 'user', content: 'Review PR 42' }] });
    expect(answer.choices[0]?.message.content).toContain('Echo: PR 42');
    const agentCall = brain.requests.filter((request) => (request.body as { model?: string }).model === 'agent-model')[0];
    expect(JSON.stringify(agentCall?.body)).toContain('github__echo');
    expect(JSON.stringify(agentCall?.body)).toContain('Review a change for bugs and risks');
  });
});
