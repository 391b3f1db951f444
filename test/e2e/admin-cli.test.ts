import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AUXOT_MAIN, runAuxotAsync } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../support/mock-upstreams/index.js';
import { spawnPty, type PtyProcess } from '../support/pty.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { scriptedModel, tuneAdminAgent, turnOf } from './helpers/admin-agent.js';

/** Typed at the hidden prompt only: it must reach Anthropic and nowhere else. */
const TYPED_KEY = 'sk-ant-api03-TypedAtTheHiddenPrompt-9f3Kq2LmZx7';
const FALLBACK = 'I can list providers, routes, teams, keys and agents for you.';

/**
 * `auxot admin` driven through a real pseudo-terminal against the real server, the Admin Agent
 * thinking with a scripted model. Results are checked through the REST API and real traffic,
 * never through what the agent says.
 */
describe('auxot admin, the Admin Agent at the terminal', () => {
  let server: TestServer;
  let brain: MockUpstream;
  let anthropic: MockUpstream;
  let env: Record<string, string>;
  let pty: PtyProcess | undefined;
  let conversationId = '';

  const admin = (...args: string[]): PtyProcess => (pty = spawnPty([process.execPath, AUXOT_MAIN, 'admin', ...args], { env }));
  const providerNames = async (): Promise<string[]> => (await server.admin('GET', '/api/admin/providers')).body.data.map((provider: { name: string }) => provider.name).sort();

  beforeAll(async () => {
    brain = await startMockUpstream({ dialect: 'openai' });
    // Answers only with the key typed at the hidden prompt: real traffic proves where it went.
    anthropic = await startMockUpstream({ dialect: 'anthropic', requireApiKey: TYPED_KEY });
    server = await startTestServer();
    await server.addProvider({ name: 'brain', kind: 'openai-compatible', baseUrl: brain.baseUrl, models: ['admin-model'] });
    await tuneAdminAgent(server, 'admin-model');
    const scripted = scriptedModel(
      [
        {
          when: 'second Anthropic',
          steps: [
            { calls: [{ name: 'providers_create', args: { name: 'anthropic-eu', kind: 'anthropic', baseUrl: anthropic.baseUrl, apiKeySlot: 'anthropic-eu-key', models: ['claude-eu'] } }] },
            { text: 'Planned a second Anthropic provider.' },
          ],
        },
        {
          when: 'Anthropic',
          steps: [
            { calls: [{ name: 'providers_create', args: { name: 'anthropic', kind: 'anthropic', baseUrl: anthropic.baseUrl, apiKeySlot: 'anthropic-api-key', models: ['claude-sonnet-4-5'] } }] },
            { text: 'Here is the plan: Anthropic as a cloud provider. Enter its key at the prompt.' },
          ],
        },
        {
          when: 'team named scripted',
          steps: [
            { calls: [{ name: 'teams_create', args: { name: 'scripted' } }, { name: 'keys_create', args: { name: 'scripted-ci', team: 'scripted', role: 'member' } }] },
            { text: 'Planned the team and its key.' },
          ],
        },
      ],
      FALLBACK,
    );
    // "slowly": the model call is held open, as a long answer would be, until the client leaves.
    brain.setHandler((request: RecordedRequest): Scenario => (turnOf(request).said.includes('slowly') ? { kind: 'hang-before-headers' } : scripted(request)));
    env = { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: server.adminKey };
  });

  afterEach(async () => {
    await pty?.close();
    pty = undefined;
  });

  afterAll(async () => {
    brain?.releaseHanging();
    await server?.close();
    await Promise.all([brain?.close(), anthropic?.close()]);
  });

  it('adds Anthropic through a plan: diff and risk shown, the key typed at a hidden prompt, applied on y, real traffic carries the key', async () => {
    const terminal = admin();
    conversationId = (await terminal.waitFor(/Conversation (conv_\S+?);/))[1]!;
    await terminal.waitFor(/you › /);
    terminal.typeLine('Set up Anthropic as our cloud provider, please.');

    await terminal.waitFor(/· change providers_create/);
    await terminal.waitFor(/Here is the plan: Anthropic as a cloud provider/);
    await terminal.waitFor(/Proposed plan plan_\S+ \(1 operation\) — nothing changes until you confirm/);
    await terminal.waitFor(/1\s+providers\.create\s+create providers 'anthropic'/);
    await terminal.waitFor(/1\. providers\.create/);
    await terminal.waitFor(/⚠ HIGH RISK: .*127\.0\.0\.1/);
    await terminal.waitFor(/baseUrl:\s+\(none\) → http:\/\/127\.0\.0\.1:\d+/);
    await terminal.waitFor(/anthropic-api-key\s+.*needs a value/);
    await terminal.waitFor(/\(anthropic-api-key; typing is hidden\): /);
    terminal.typeLine(TYPED_KEY);
    await terminal.waitFor(/· anthropic-api-key stored on the server/);
    await terminal.waitFor(/Apply this plan\? \[y\/N\] /);
    terminal.typeLine('y');
    await terminal.waitFor(/✓ 1\. providers\.create/);
    await terminal.waitFor(/Plan plan_\S+ applied \(1 operation\)\./);
    await terminal.waitFor(/you › /);

    // The typed key was never echoed, and is nowhere the conversation or the logs keep things.
    expect(terminal.rawOutput()).not.toContain(TYPED_KEY);
    expect(terminal.rawOutput()).not.toContain('TypedAtTheHiddenPrompt');
    const transcript = await server.admin('GET', `/api/admin/agent/conversations/${conversationId}`);
    expect(transcript.status).toBe(200);
    expect(transcript.body.plans.at(-1)).toMatchObject({ status: 'applied', operations: [{ operation: 'providers.create' }] });
    expect(JSON.stringify(transcript.body)).not.toContain(TYPED_KEY);
    expect(JSON.stringify(brain.requests.map((request) => request.body))).not.toContain(TYPED_KEY);
    await expect.poll(() => server.logs().length).toBeGreaterThan(0);
    expect(JSON.stringify(server.logs())).not.toContain(TYPED_KEY);

    // The configuration, through the REST API.
    const providers = (await server.admin('GET', '/api/admin/providers')).body.data;
    expect(providers).toContainEqual(expect.objectContaining({ name: 'anthropic', kind: 'anthropic', hasApiKey: true, models: ['claude-sonnet-4-5'] }));

    // Real traffic: Anthropic answers only when called with the typed key.
    anthropic.setHandler(() => ({ kind: 'turn', turn: { text: 'hello from the cloud' } }));
    const openai = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: server.adminKey, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('hello from the cloud');
    expect(anthropic.requests.at(-1)?.headers['x-api-key']).toBe(TYPED_KEY);

    terminal.typeLine('/quit');
    expect(await terminal.exited).toBe(0);
  });

  it('resumes the conversation, proposes the undo with /undo, and rejects it on anything but y', async () => {
    expect(conversationId).not.toBe('');
    const terminal = admin('--conversation', conversationId);
    await terminal.waitFor(/resumed conversation \(\d+ messages so far\)/);
    await terminal.waitFor(/last answer: Here is the plan/);
    await terminal.waitFor(/you › /);
    terminal.typeLine('/undo');
    await terminal.waitFor(/Proposed undo of plan plan_\S+ plan_\S+ \(1 operation\)/);
    await terminal.waitFor(/1\. providers\.delete/);
    await terminal.waitFor(/Apply this plan\? \[y\/N\] /);
    terminal.typeLine('no');
    await terminal.waitFor(/Plan rejected; nothing was changed\./);
    await terminal.waitFor(/you › /);
    expect(await providerNames()).toEqual(['anthropic', 'brain']);
    const plans = (await server.admin('GET', `/api/admin/agent/conversations/${conversationId}`)).body.plans;
    expect(plans.at(-1)).toMatchObject({ status: 'rejected', undoOf: expect.any(String) });
    terminal.write('\u0004');
    expect(await terminal.exited).toBe(0);
  });

  it('Ctrl-C at the hidden prompt cancels: the plan is rejected and nothing changes', async () => {
    const terminal = admin();
    await terminal.waitFor(/you › /);
    terminal.typeLine('Add a second Anthropic provider for the EU.');
    await terminal.waitFor(/Proposed plan plan_\S+ \(1 operation\)/);
    await terminal.waitFor(/\(anthropic-eu-key; typing is hidden\): /);
    terminal.write('half-typed');
    terminal.write('\u0003');
    await terminal.waitFor(/cancelled\nPlan rejected; nothing was changed\./);
    await terminal.waitFor(/you › /);
    expect(terminal.rawOutput()).not.toContain('half-typed');
    expect(await providerNames()).not.toContain('anthropic-eu');
    terminal.typeLine('/quit');
    expect(await terminal.exited).toBe(0);
  });

  it('Ctrl-C during a turn hangs up the model call, prints cancelled and returns to the prompt; Ctrl-C at an empty prompt leaves', async () => {
    const terminal = admin();
    await terminal.waitFor(/you › /);
    const before = brain.requests.length;
    terminal.typeLine('Check every provider, slowly.');
    const held = (await brain.waitForRequests(before + 1, 20_000))[before]!;
    terminal.write('\u0003');
    await terminal.waitFor(/cancelled/);
    // The server cancelled the turn: its model call's socket closed.
    expect(await brain.waitForAbort(held, 20_000)).toBeGreaterThan(0);
    await terminal.waitFor(/you › /);

    // The session goes on.
    terminal.typeLine('Which providers do we have?');
    await terminal.waitFor(new RegExp(FALLBACK.replace(/[.]/g, '\\.')));
    await terminal.waitFor(/you › /);
    terminal.write('\u0003');
    expect(await terminal.exited).toBe(0);
  });

  it('reads piped input as a script: one line per message, secret value or answer', async () => {
    const result = await runAuxotAsync(['admin'], env, 'Create a team named scripted.\ny\n/quit\n');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('you › Create a team named scripted.');
    expect(result.stdout).toMatch(/1\. teams\.create/);
    expect(result.stdout).toContain('Apply this plan? [y/N] y');
    expect(result.stdout).toMatch(/Plan plan_\S+ applied \(2 operations\)\./);
    // Piped output is for scripts and logs: no colour codes.
    expect(result.stdout).not.toContain('\u001b[');
    const teams = (await server.admin('GET', '/api/admin/teams')).body.data.map((team: { name: string }) => team.name);
    expect(teams).toContain('scripted');

    // The key the plan made is printed once, labelled, and works; the conversation does not keep it.
    const delivered = /shown once, store it now.*\n\s+.*scripted-ci.*:\s+(axk_\S+)/.exec(result.stdout);
    expect(delivered, result.stdout).not.toBeNull();
    const key = delivered![1]!;
    const models = await fetch(`${server.url}/api/openai/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    const conversations = (await server.admin('GET', '/api/admin/agent/conversations')).body.data;
    const transcripts = await Promise.all(conversations.map((entry: { id: string }) => server.admin('GET', `/api/admin/agent/conversations/${entry.id}`)));
    expect(JSON.stringify(transcripts.map((transcript) => transcript.body))).not.toContain(key);
  });

  it('reports an unknown conversation readably and exits 1', async () => {
    const result = await runAuxotAsync(['admin', '--conversation', 'conv_missing'], env, '');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: HTTP 404: No conversation 'conv_missing'/);
  });
});
