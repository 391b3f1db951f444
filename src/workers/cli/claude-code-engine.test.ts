import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import {
  chatRequest,
  eventTypes,
  findEvent,
  MOCK_KEY,
  runJob,
  startHarness,
  systemTextOf,
  textOf,
  type EngineHarness,
  type HarnessOptions,
} from './test-support/engine-harness.js';

// The real Claude Code 2.1.197 binary, its model calls answered by the scripted local Anthropic server.
let harness: EngineHarness | undefined;

async function start(options: HarnessOptions = {}): Promise<EngineHarness> {
  harness = await startHarness(options);
  return harness;
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface MockBody {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string; content?: unknown }> }>;
}

describe('createClaudeCodeEngine: answers', () => {
  test('a plain answer streams in contract order, with usage from the result line and the cost reported first', async () => {
    const { engine, mock, reports, processes } = await start();
    mock.enqueue({ kind: 'turn', turn: { text: 'Hello there, caller.', usage: { input: 1234, output: 56, cacheRead: 700, cacheWrite: 30 } } });
    let reportedBeforeEnd = false;
    const outcome = await runJob(engine, chatRequest(), {
      jobId: 'job-plain',
      onEvent: (event) => {
        if (event.type === 'response-end') reportedBeforeEnd = reports.has('job-plain');
      },
    });
    expect(outcome.error).toBeUndefined();
    expect(eventTypes(outcome.events)).toMatch(/^response-start text-start( text-delta)+ text-end usage response-end$/);
    expect(outcome.events[0]?.event).toEqual({ type: 'response-start', id: 'msg_test1', model: 'claude-mock' });
    expect(textOf(outcome.events)).toBe('Hello there, caller.');
    expect(findEvent(outcome.events, 'usage')?.usage).toEqual({ inputTokens: 1234, outputTokens: 56, cacheReadTokens: 700, cacheWriteTokens: 30 });
    expect(findEvent(outcome.events, 'response-end')).toEqual({ type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } });
    const report = reports.get('job-plain');
    expect(report?.costUsd).toBeGreaterThan(0);
    expect(report?.numTurns).toBe(1);
    expect(report?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reportedBeforeEnd).toBe(true);
    // Once stdin closes after the result line, Claude Code exits on its own.
    expect((await processes.get('job-plain')?.exited)?.code).toBe(0);
    const [request] = mock.requests;
    expect(request?.path).toBe('/v1/messages?beta=true');
    expect(request?.headers['x-api-key']).toBe(MOCK_KEY);
    const body = request?.body as MockBody;
    expect(body.model).toBe('claude-mock');
    expect(body.stream).toBe(true);
    expect(JSON.stringify(body.messages[0])).toContain('Say hello.');
    const firstToken = outcome.events[1]?.atMs ?? 0;
    console.log(`[timing] plain answer: first token ${firstToken.toFixed(0)} ms, whole job ${outcome.endedAtMs.toFixed(0)} ms`);
  });

  test("Claude's own Bash tool runs inside the slot and only the final text reaches the caller", async () => {
    const { engine, mock, workDir, reports } = await start({ allowedTools: ['Bash'] });
    mock.enqueue(
      { kind: 'turn', turn: { toolCalls: [{ name: 'Bash', arguments: '{"command":"echo hi-from-bash | tee proof.txt","description":"say hi"}' }] } },
      { kind: 'turn', turn: { text: 'The command printed hi-from-bash.', usage: { input: 300, output: 9 } } },
    );
    const outcome = await runJob(engine, chatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Run echo.' }] }] }));
    expect(outcome.error).toBeUndefined();
    expect(textOf(outcome.events)).toBe('The command printed hi-from-bash.');
    expect(eventTypes(outcome.events)).not.toMatch(/tool-call|reasoning/);
    expect(eventTypes(outcome.events)).toMatch(/^response-start text-start( text-delta)+ text-end usage response-end$/);
    // The result line sums both internal turns.
    const usage = findEvent(outcome.events, 'usage')?.usage;
    expect(usage?.outputTokens).toBeGreaterThan(9);
    expect(reports.get(outcome.jobId)?.numTurns).toBe(2);
    const second = mock.requests[1]?.body as MockBody;
    const toolResult = JSON.stringify(second.messages.at(-1));
    expect(toolResult).toContain('tool_result');
    expect(toolResult).toContain('hi-from-bash');
    expect(readFileSync(join(workDir, 'slot-0', 'work', 'proof.txt'), 'utf8')).toBe('hi-from-bash\n');
  });

  test("the caller's system text is appended to Claude Code's own system prompt", async () => {
    const { engine, mock } = await start();
    const outcome = await runJob(engine, chatRequest({ system: [{ type: 'text', text: 'CALLER-SYSTEM: answer like a pirate.' }] }));
    expect(outcome.error).toBeUndefined();
    const system = systemTextOf(mock.requests[0]?.body);
    expect(system).toContain('You are Claude Code');
    expect(system).toContain('CALLER-SYSTEM: answer like a pirate.');
    expect(system.indexOf('CALLER-SYSTEM')).toBeGreaterThan(system.indexOf('You are Claude Code'));
  });

  test('a multi-turn conversation reaches the model as a transcript plus the latest message', async () => {
    const { engine, mock } = await start();
    const outcome = await runJob(
      engine,
      chatRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'My cat is called Tom.' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Nice name!' }] },
          { role: 'user', content: [{ type: 'text', text: 'What is my cat called?' }] },
        ],
      }),
    );
    expect(outcome.error).toBeUndefined();
    const body = mock.requests[0]?.body as MockBody;
    const firstUser = JSON.stringify(body.messages[0]);
    expect(firstUser).toContain('<user>\\nMy cat is called Tom.\\n</user>');
    expect(firstUser).toContain('<assistant>\\nNice name!\\n</assistant>');
    expect(firstUser).toContain("The user's latest message follows; reply to it.\\n\\nWhat is my cat called?");
  });

  test('each slot has its own HOME and working directory: sessions land under the slot, never the real HOME', async () => {
    const { engine, mock, workDir, reports, processes } = await start({ persistSessions: true });
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.error).toBeUndefined();
    // The caller's stream ends at the result line; Claude Code finishes writing its session as it exits.
    await processes.get(outcome.jobId)?.exited;
    const sessionId = reports.get(outcome.jobId)?.sessionId ?? 'missing';
    const slotHome = join(workDir, 'slot-0', 'home');
    const projects = readdirSync(join(slotHome, '.claude', 'projects'));
    expect(projects).toHaveLength(1);
    expect(existsSync(join(slotHome, '.claude', 'projects', projects[0] ?? '', `${sessionId}.jsonl`))).toBe(true);
    const realProjects = join(homedir(), '.claude', 'projects');
    const leaked = existsSync(realProjects) && readdirSync(realProjects, { recursive: true }).some((name) => String(name).includes(sessionId));
    expect(leaked).toBe(false);
    // Claude Code tells the model where it runs: the slot's own working directory.
    expect(systemTextOf(mock.requests[0]?.body)).toContain(join(workDir, 'slot-0', 'work'));
  });

  test('by default no session file is kept', async () => {
    const { engine, workDir, processes } = await start();
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.error).toBeUndefined();
    await processes.get(outcome.jobId)?.exited;
    const projects = join(workDir, 'slot-0', 'home', '.claude', 'projects');
    const files = existsSync(projects) ? readdirSync(projects, { recursive: true }).map(String) : [];
    expect(files.filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  });

  test('requests with caller-declared tools are refused before any process starts', async () => {
    const { engine, mock, processes } = await start();
    const outcome = await runJob(engine, chatRequest({ tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }] }));
    expect(outcome.events).toEqual([]);
    expect(outcome.error).toBeInstanceOf(GatewayError);
    expect(outcome.error).toMatchObject({ code: 'invalid_request', param: 'tools' });
    expect(processes.size).toBe(0);
    expect(mock.requests).toHaveLength(0);
  });
});
