import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksText, describeRun, messagesRequests, parseClaudeResult, type MessagesBody } from '../support/claude-code-wire.js';
import { chatBodySchema, markerToolModel, messageText, type ChatBody } from '../support/marker-tool-model.js';
import { estimateInputTokens, startMockUpstream, type MockUpstream, type RecordedRequest } from '../support/mock-upstreams/index.js';
import { runClaudeCode, type ClaudeAuth } from '../support/run-claude-code.js';
import { canIsolateNetwork, runSandboxed, type SandboxedRun } from '../support/run-sandboxed.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Issue 2 acceptance: the real Claude Code CLI (2.1.197, installed by package.json) talks to Auxot's
// Anthropic surface; Auxot translates to an OpenAI-compatible local model server and back. Claude Code
// runs in a loopback-only network namespace, so the turn completing proves nothing left the machine.

const PROVIDER = 'local-llm';
/** Not a Claude model name: Claude Code passes any --model through unchanged. */
const MODEL = 'qwen-coder-local';
const UPSTREAM_KEY = 'sk-upstream-secret';
const BASE_PATH = '/api/anthropic';
const MESSAGES_TARGET = `${BASE_PATH}/v1/messages?beta=true`;
const CLAUDE_TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 60_000;

/** Claude Code sends these; an OpenAI-compatible backend must never see them (docs/wire-formats.md §3.2). */
const ANTHROPIC_ONLY_FIELDS = ['thinking', 'output_config', 'context_management', 'metadata', 'betas', 'anthropic_beta'];
/** Keys backends choke on, anywhere in the body (tool schemas, content blocks). */
const ANTHROPIC_ONLY_NESTED_KEYS = ['cache_control', '$schema', 'defer_loading'];

describe('Claude Code CLI as a client of Auxot (Anthropic surface, OpenAI-compatible upstream)', () => {
  let upstream: MockUpstream;
  let server: TestServer;
  let providerId: string;

  beforeAll(async () => {
    if (!canIsolateNetwork()) {
      console.warn(
        '\n!!! [claude-code-client] `unshare -n` is not permitted here: Claude Code runs WITHOUT network ' +
          'isolation, so these tests do not prove that no traffic leaves the machine. !!!\n',
      );
    }
    upstream = await startMockUpstream({ dialect: 'openai', requireApiKey: UPSTREAM_KEY });
    server = await startTestServer();
    const provider = await server.addProvider({ name: PROVIDER, kind: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: UPSTREAM_KEY, models: [MODEL] });
    providerId = provider.id;
  });

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  /** A fresh caller key, so the request log can be filtered to one run. */
  async function callerKey(name: string): Promise<{ key: string; id: string }> {
    const created = await server.admin('POST', '/api/admin/keys', { name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { key: created.body.key, id: created.body.apiKey.id };
  }

  async function runClaude(auth: ClaudeAuth, prompt: string) {
    const before = upstream.requests.length;
    const run = await runClaudeCode({
      auxotPort: server.port,
      basePath: BASE_PATH,
      auth,
      // --max-turns (hidden from --help in 2.1.197) bounds the agent loop if the scripted model misbehaves.
      args: ['-p', prompt, '--model', MODEL, '--output-format', 'json', '--allowedTools', 'Bash', '--max-turns', '4'],
      timeoutMs: CLAUDE_TIMEOUT_MS,
    });
    return { run, upstreamRequests: upstream.requests.slice(before) };
  }

  it.skipIf(!canIsolateNetwork())('sandbox: only Auxot is reachable, nothing off the machine, DNS lookups are logged', async () => {
    const probe = [
      "const net = require('node:net'); const dns = require('node:dns/promises');",
      "const connect = new Promise((resolve) => { const s = net.connect(443, '1.1.1.1');",
      "  s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('error', (e) => resolve(e.code)); });",
      "const lookup = dns.lookup('api.anthropic.com').then(() => 'resolved', (e) => e.code);",
      "const head = fetch(process.env.AUXOT_ORIGIN + '/api/anthropic', { method: 'HEAD' }).then((r) => r.status, (e) => String(e));",
      'Promise.all([connect, lookup, head]).then(([connect, lookup, head]) => console.log(JSON.stringify({ connect, lookup, head })));',
    ].join('\n');
    const run = await runSandboxed({
      command: process.execPath,
      args: ['-e', probe],
      cwd: server.dataDir,
      env: (origin) => ({ PATH: process.env['PATH'] ?? '', AUXOT_ORIGIN: origin }),
      targetPort: server.port,
      timeoutMs: 15_000,
    });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ connect: 'ENETUNREACH', lookup: 'ENOTFOUND', head: 200 });
    expect(run.dnsQueries).toContain('api.anthropic.com');
    expect(run.requests.map((request) => `${request.method} ${request.target}`)).toEqual(['HEAD /api/anthropic']);
  });

  it('completes a turn in which Claude Code runs Bash and the model uses its output (x-api-key)', async () => {
    const model = markerToolModel();
    upstream.setHandler((request) => model.answer(request));
    const caller = await callerKey('claude-code-x-api-key');
    const { run, upstreamRequests } = await runClaude({ apiKey: caller.key }, 'Run the marker command with Bash and tell me what it printed.');
    const why = describeRun(run);

    // Claude Code itself: the turn completed, the tool ran, its output came back through the model.
    expect(run.timedOut, why).toBe(false);
    expect(run.exitCode, why).toBe(0);
    const result = parseClaudeResult(run);
    expect(result.is_error, why).toBe(false);
    expect(result.subtype).toBe('success');
    expect(result.num_turns, why).toBe(2);
    expect(result.permission_denials).toEqual([]);
    expect(result.result, why).toContain(model.marker);
    expect(result.result).toBe(model.finalText(model.marker));

    // What the upstream (the "model") received from Auxot.
    expect(upstreamRequests.length, why).toBeGreaterThanOrEqual(2);
    const bodies = upstreamRequests.map((request) => chatBodySchema.parse(request.body));
    const first = bodies[0]!;
    const last = bodies.at(-1)!;
    expect(first.model).toBe(MODEL);
    expect(first.messages.some((message) => message.role === 'tool')).toBe(false);
    expect(first.tools?.map((tool) => tool.function.name)).toContain('Bash');
    const call = last.messages.find((message) => message.tool_calls !== undefined);
    expect(call?.role).toBe('assistant');
    expect(call?.tool_calls).toEqual([{ id: model.callId, type: 'function', function: { name: 'Bash', arguments: expect.any(String) } }]);
    expect(JSON.parse(call!.tool_calls![0]!.function.arguments)).toEqual({ command: model.command, description: 'Print the Auxot test marker' });
    const toolMessages = last.messages.filter((message) => message.role === 'tool');
    expect(toolMessages).toHaveLength(1);
    expect(toolMessages[0]!.tool_call_id).toBe(model.callId);
    expect(messageText(toolMessages[0]!).trim()).toBe(model.marker);
    expect(last.messages.indexOf(toolMessages[0]!)).toBe(last.messages.indexOf(call!) + 1);
    expectOneLeadingSystemMessage(bodies);
    expectNoAnthropicOnlyFields(upstreamRequests, caller.key);

    // What Claude Code sent to Auxot: the fields and messages the translation had to deal with.
    const sent = messagesRequests(run);
    expect(sent.map(({ request }) => request.target)).toEqual(upstreamRequests.map(() => MESSAGES_TARGET));
    for (const { request, body } of sent) {
      expect(request.headers['x-api-key']).toBe(caller.key);
      expect(request.headers['authorization']).toBeUndefined();
      expect(body.stream).toBe(true);
      for (const field of ['thinking', 'output_config', 'context_management', 'metadata']) expect(body).toHaveProperty(field);
      expect(request.headers['anthropic-beta']).toBeDefined();
    }
    expectSystemTextKept(sent.map(({ body }) => body), bodies);

    // Usage went back to Claude Code: it sums the input tokens the upstream reported for each turn.
    const upstreamInput = upstreamRequests.map((request) => estimateInputTokens(request.body));
    expect(result.usage.input_tokens).toBe(upstreamInput.reduce((sum, tokens) => sum + tokens, 0));

    // Auxot's request log: one record per model turn, on the Anthropic surface, served by the provider.
    const records = (await server.requestLog(50)).filter((record) => record.keyId === caller.id).reverse();
    expect(records).toHaveLength(upstreamRequests.length);
    records.forEach((record, position) => {
      expect(record).toMatchObject({
        surface: 'anthropic-messages',
        status: 200,
        stream: true,
        modelRequested: MODEL,
        providerId,
        providerModel: MODEL,
        errorCode: null,
        clientAborted: false,
        inputTokens: upstreamInput[position],
        decision: [{ provider: PROVIDER, model: MODEL, tier: 'cloud', outcome: 'used' }],
      });
    });

    expectNothingLeftTheMachine(run);
  }, TEST_TIMEOUT_MS);

  it('authenticates with ANTHROPIC_AUTH_TOKEN, sent as Bearer', async () => {
    upstream.setHandler(() => ({ kind: 'turn', turn: { text: 'Bearer works.' } }));
    const caller = await callerKey('claude-code-bearer');
    const { run, upstreamRequests } = await runClaude({ authToken: caller.key }, 'Say that Bearer works.');
    const why = describeRun(run);

    expect(run.exitCode, why).toBe(0);
    const result = parseClaudeResult(run);
    expect(result.is_error, why).toBe(false);
    expect(result.result).toBe('Bearer works.');
    expect(upstreamRequests).toHaveLength(1);
    const sent = messagesRequests(run);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.request.headers['authorization']).toBe(`Bearer ${caller.key}`);
    expect(sent[0]!.request.headers['x-api-key']).toBeUndefined();
    expectOneLeadingSystemMessage(upstreamRequests.map((request) => chatBodySchema.parse(request.body)));
    expectNoAnthropicOnlyFields(upstreamRequests, caller.key);
    const records = (await server.requestLog(50)).filter((record) => record.keyId === caller.id);
    expect(records).toMatchObject([{ surface: 'anthropic-messages', status: 200, providerId, decision: [{ provider: PROVIDER, outcome: 'used' }] }]);
    expectNothingLeftTheMachine(run);
  }, TEST_TIMEOUT_MS);

  it('reports an upstream rejection as an API error, without retrying a 400', async () => {
    const message = "This model's maximum context length is 8192 tokens.";
    const body = { error: { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } };
    upstream.setHandler(() => ({ kind: 'status', status: 400, body }));
    const caller = await callerKey('claude-code-error');
    const { run, upstreamRequests } = await runClaude({ apiKey: caller.key }, 'This turn fails upstream.');
    const why = describeRun(run);

    expect(run.timedOut, why).toBe(false);
    expect(run.exitCode, why).toBe(1);
    const result = parseClaudeResult(run);
    expect(result.is_error).toBe(true);
    expect(result.api_error_status).toBe(400);
    expect(result.result).toMatch(/^API Error: 400 /);
    expect(result.result).toContain(message);
    expect(upstreamRequests).toHaveLength(1);
    expect(messagesRequests(run)).toHaveLength(1);
    const records = (await server.requestLog(50)).filter((record) => record.keyId === caller.id);
    expect(records).toMatchObject([{ surface: 'anthropic-messages', status: 400, modelRequested: MODEL }]);
    expectNothingLeftTheMachine(run);
  }, TEST_TIMEOUT_MS);
});

function expectOneLeadingSystemMessage(bodies: ChatBody[]): void {
  for (const body of bodies) {
    expect(body.messages.filter((message) => message.role === 'system')).toHaveLength(1);
    expect(body.messages[0]?.role).toBe('system');
  }
}

/**
 * Every system text Claude Code sent survives in the one leading system message: the top-level blocks and
 * the `role: system` messages it puts inside messages[] (docs/wire-formats.md §0.5), which must be folded in.
 * Only the per-session billing line may go, and it must not lead the prompt, where it would defeat the
 * backend's prefix cache (§3.2).
 */
function expectSystemTextKept(sent: MessagesBody[], received: ChatBody[]): void {
  const inArray = sent.flatMap((body) => body.messages.filter((message) => message.role === 'system'));
  expect(inArray.length, 'Claude Code sent no in-array system message, so folding was not exercised').toBeGreaterThan(0);
  sent.forEach((body, position) => {
    const systemText = messageText(received[position]!.messages[0]!);
    expect(systemText).not.toMatch(/^x-anthropic-billing-header/);
    const blocks = typeof body.system === 'string' ? [body.system] : (body.system ?? []).map((block) => block.text);
    const texts = [...blocks, ...body.messages.filter((message) => message.role === 'system').map((message) => blocksText(message.content))];
    for (const text of texts.filter((candidate) => !candidate.startsWith('x-anthropic-billing-header'))) {
      expect(systemText).toContain(text.trim());
    }
  });
}

function expectNoAnthropicOnlyFields(requests: RecordedRequest[], callerKey: string): void {
  for (const request of requests) {
    const body = request.body as Record<string, unknown>;
    for (const field of ANTHROPIC_ONLY_FIELDS) expect(body, `upstream body has '${field}'`).not.toHaveProperty(field);
    expect(nestedKeys(body).filter((key) => ANTHROPIC_ONLY_NESTED_KEYS.includes(key))).toEqual([]);
    expect(request.headers['anthropic-beta']).toBeUndefined();
    expect(request.headers['anthropic-version']).toBeUndefined();
    expect(request.headers['x-api-key']).toBeUndefined();
    expect(request.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    // The caller's Auxot key must never reach a provider.
    expect(JSON.stringify(request.headers)).not.toContain(callerKey);
  }
}

function nestedKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(nestedKeys);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...nestedKeys(inner)]);
}

/**
 * Claude Code talked to Auxot only through the Messages endpoint (plus its HEAD warm-up of the base URL),
 * and, when isolated, did not even look a name up: CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 holds.
 */
function expectNothingLeftTheMachine(run: SandboxedRun): void {
  for (const request of run.requests) {
    expect([`HEAD ${BASE_PATH}`, `POST ${MESSAGES_TARGET}`]).toContain(`${request.method} ${request.target}`);
  }
  if (run.isolated) expect(run.dnsQueries).toEqual([]);
}
