import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun } from '../support/claude-code-wire.js';
import { chatBodySchema, messageText, type ChatBody } from '../support/marker-tool-model.js';
import { startMockUpstream, type MockUpstream, type RecordedRequest, type Scenario } from '../support/mock-upstreams/index.js';
import { runCodex } from '../support/run-codex.js';
import { canIsolateNetwork } from '../support/run-sandboxed.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Issue 15 acceptance: the real Codex CLI (0.169.0, installed by package.json, default tools) talks
// to Auxot's Responses surface; Auxot translates to an OpenAI-compatible chat-completions model
// server and back. Codex runs in a loopback-only network namespace, so the turn completing proves
// nothing left the machine.

const MODEL = 'qwen-coder-local';
const UPSTREAM_KEY = 'sk-upstream-codex';
const BASE_PATH = '/api/openai/v1';
const CODEX_TIMEOUT_MS = 60_000;

/** A model that runs Codex's `exec_command` once to print a marker, then answers quoting its output. */
function shellModel(): { marker: string; command: string; callId: string; finalText: string; answer(request: RecordedRequest): Scenario } {
  const suffix = randomBytes(6).toString('hex');
  const marker = `auxot-codex-${suffix}`;
  const command = `printf '%s-%s\\n' auxot-codex ${suffix}`;
  const callId = `call_${randomBytes(8).toString('hex')}`;
  const finalText = `The command printed ${marker}.`;
  return {
    marker,
    command,
    callId,
    finalText,
    answer(request) {
      const body = chatBodySchema.safeParse(request.body);
      if (!body.success) return { kind: 'turn', turn: { text: `Unexpected request body: ${body.error.message}` } };
      const results = body.data.messages.filter((message) => message.role === 'tool');
      if (results.some((message) => messageText(message).includes(marker))) return { kind: 'turn', turn: { text: finalText } };
      if (results.length > 0) return { kind: 'turn', turn: { text: `No marker in the tool result: ${JSON.stringify(results)}` } };
      if (!(body.data.tools ?? []).some((tool) => tool.function.name === 'exec_command')) return { kind: 'turn', turn: { text: 'No exec_command tool was offered.' } };
      return { kind: 'turn', turn: { toolCalls: [{ id: callId, name: 'exec_command', arguments: JSON.stringify({ cmd: command }) }] } };
    },
  };
}

describe('Codex CLI as a client of Auxot (Responses surface, OpenAI-compatible chat upstream)', () => {
  let upstream: MockUpstream;
  let server: TestServer;

  beforeAll(async () => {
    if (!canIsolateNetwork()) {
      console.warn('\n!!! [codex-client] `unshare -n` is not permitted here: Codex runs WITHOUT network isolation. !!!\n');
    }
    upstream = await startMockUpstream({ dialect: 'openai', requireApiKey: UPSTREAM_KEY });
    server = await startTestServer();
    await server.addProvider({ name: 'local-llm', kind: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: UPSTREAM_KEY, models: [MODEL] });
  });

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('completes a turn in which Codex runs a shell command and the model uses its output', async () => {
    const model = shellModel();
    upstream.setHandler((request) => model.answer(request));
    const created = await server.admin('POST', '/api/admin/keys', { name: 'codex' });
    expect(created.status).toBe(201);
    const run = await runCodex({ auxotPort: server.port, basePath: BASE_PATH, apiKey: created.body.key, model: MODEL, prompt: 'Run the marker command and tell me what it printed.', timeoutMs: CODEX_TIMEOUT_MS });
    const why = describeRun(run);

    // Codex itself: the command ran, its output went back through the model, the turn completed.
    expect(run.timedOut, why).toBe(false);
    expect(run.exitCode, why).toBe(0);
    const completed = run.events.filter((event) => event.type === 'item.completed').map((event) => event.item);
    const execution = completed.find((item) => item?.type === 'command_execution');
    // Codex wraps the command in its shell; the marker itself is not in it, only its two halves.
    expect(execution?.command, why).toContain(`printf '%s-%s`);
    expect(execution?.command).toContain(`auxot-codex ${model.marker.slice('auxot-codex-'.length)}`);
    expect(execution?.aggregated_output, why).toContain(model.marker);
    expect(execution?.exit_code).toBe(0);
    expect(completed.filter((item) => item?.type === 'agent_message').map((item) => item?.text)).toEqual([model.finalText]);
    expect(run.events.at(-1)?.type, why).toBe('turn.completed');
    expect(run.events.some((event) => event.type === 'turn.failed' || event.type === 'error')).toBe(false);

    // What the model server received: chat completions, Codex's tools flattened, the command's output as a tool message.
    const bodies = upstream.requests.map((request) => chatBodySchema.parse(request.body) as ChatBody & Record<string, unknown>);
    expect(bodies, why).toHaveLength(2);
    const [first, second] = bodies as [ChatBody, ChatBody];
    expect(first.model).toBe(MODEL);
    const toolNames = (first.tools ?? []).map((tool) => tool.function.name);
    expect(toolNames).toContain('exec_command');
    // Codex's `namespace` tool arrives as plain functions named <namespace>__<function>.
    expect(toolNames.some((name) => /^[a-z_0-9]+__[a-z_]+$/.test(name))).toBe(true);
    expect(toolNames.every((name) => /^[a-zA-Z0-9_-]{1,64}$/.test(name))).toBe(true);
    for (const body of bodies) {
      expect(body.messages.filter((message) => message.role === 'system')).toHaveLength(1);
      expect(body.messages[0]?.role).toBe('system');
      expect(JSON.stringify(body)).not.toContain('web_search');
    }
    const call = second.messages.find((message) => message.tool_calls !== undefined);
    expect(call?.tool_calls).toEqual([{ id: model.callId, type: 'function', function: { name: 'exec_command', arguments: JSON.stringify({ cmd: model.command }) } }]);
    const toolMessages = second.messages.filter((message) => message.role === 'tool');
    expect(toolMessages).toHaveLength(1);
    expect(toolMessages[0]?.tool_call_id).toBe(model.callId);
    expect(messageText(toolMessages[0]!)).toContain(model.marker);

    // Auxot: one record per model turn on the Responses surface; Codex sent store:false and nothing else.
    const records = (await server.requestLog(50)).filter((record) => record.keyId === created.body.apiKey.id);
    expect(records.map((record) => [record.surface, record.status, record.stream])).toEqual([
      ['openai-responses', 200, true],
      ['openai-responses', 200, true],
    ]);
    for (const request of run.requests) expect(`${request.method} ${request.target}`).toBe(`POST ${BASE_PATH}/responses`);
    expect(run.requests).toHaveLength(2);
    const sent = run.requests.map((request) => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    for (const body of sent) expect(body).toMatchObject({ model: MODEL, stream: true, store: false });
    if (run.isolated) expect(run.dnsQueries).toEqual([]);
  }, CODEX_TIMEOUT_MS + 20_000);
});
