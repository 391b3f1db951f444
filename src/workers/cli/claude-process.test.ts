import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../test/support/mock-upstreams/index.js';
import { claudeArgs, claudeEnv } from './claude-command.js';
import { ClaudeProcess, type ProcessOutput } from './claude-process.js';
import { buildPrompt } from './prompt-input.js';
import { CLAUDE_BIN, chatRequest, MOCK_KEY } from './test-support/engine-harness.js';

let mock: MockUpstream;
let dir: string;

beforeEach(async () => {
  mock = await startMockUpstream({ dialect: 'anthropic', requireApiKey: MOCK_KEY });
  dir = mkdtempSync(join(tmpdir(), 'auxot-claude-process-'));
  for (const sub of ['home', 'tmp', 'work']) mkdirSync(join(dir, sub));
});

afterEach(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function startClaude(): ClaudeProcess {
  const request = chatRequest();
  const jobTag = randomUUID();
  return new ClaudeProcess({
    bin: CLAUDE_BIN,
    args: claudeArgs({ model: 'claude-mock', request, systemPromptFile: undefined, maxTurns: undefined, allowedTools: [], permissionMode: undefined, persistSessions: false }),
    env: claudeEnv({
      operatorEnv: { PATH: process.env['PATH'] ?? '', ANTHROPIC_BASE_URL: mock.baseUrl, ANTHROPIC_API_KEY: MOCK_KEY, CLAUDE_CODE_MAX_RETRIES: '0' },
      home: join(dir, 'home'),
      tmpDir: join(dir, 'tmp'),
      jobTag,
      request,
    }),
    cwd: join(dir, 'work'),
    jobTag,
    killGraceMs: 2000,
  });
}

/** Reads outputs until `stop` says so, noting when each line type first arrived. */
async function readUntil(claude: ClaudeProcess, stop: (output: ProcessOutput) => boolean): Promise<{ firstAt: Map<string, number>; outputs: ProcessOutput[] }> {
  const firstAt = new Map<string, number>();
  const outputs: ProcessOutput[] = [];
  for await (const output of claude.output()) {
    outputs.push(output);
    const key = output.kind === 'exit' ? 'exit' : lineKey(output.text);
    if (!firstAt.has(key)) firstAt.set(key, performance.now() - claude.spawnedAtMs);
    if (stop(output)) break;
  }
  return { firstAt, outputs };
}

function lineKey(text: string): string {
  const line = JSON.parse(text) as { type: string; subtype?: string; event?: { type?: string; delta?: { type?: string } } };
  if (line.type === 'stream_event') return `stream_event/${line.event?.delta?.type ?? line.event?.type ?? ''}`;
  return line.subtype === undefined ? line.type : `${line.type}/${line.subtype}`;
}

describe('ClaudeProcess with the real binary', () => {
  test('streams stdout lines in order, then one exit; measures process start and first token', async () => {
    mock.enqueue({ kind: 'turn', turn: { text: 'Timed answer.' } });
    const claude = startClaude();
    claude.write(buildPrompt(chatRequest()).stdinLine);
    const { firstAt, outputs } = await readUntil(claude, (output) => {
      if (output.kind === 'line' && lineKey(output.text) === 'result/success') claude.closeStdin();
      return false;
    });
    const keys = outputs.map((output) => (output.kind === 'exit' ? 'exit' : lineKey(output.text)));
    expect(keys[0]).toBe('system/init');
    expect(keys.at(-2)).toBe('result/success');
    expect(keys.at(-1)).toBe('exit');
    expect(outputs.at(-1)).toMatchObject({ kind: 'exit', code: 0, signal: null });
    const exit = await claude.exited;
    const ms = (key: string): string => (firstAt.get(key) ?? NaN).toFixed(0);
    console.log(
      `[timing] spawn → init ${ms('system/init')} ms, → first text delta ${ms('stream_event/text_delta')} ms, → result ${ms('result/success')} ms, → exit ${(exit.atMs - claude.spawnedAtMs).toFixed(0)} ms`,
    );
  });

  test('terminate stops a process waiting on a hanging model call within the grace period', async () => {
    mock.enqueue({ kind: 'hang-before-headers' });
    const claude = startClaude();
    claude.write(buildPrompt(chatRequest()).stdinLine);
    await mock.waitForRequests(1, 10_000);
    const askedAt = performance.now();
    claude.terminate();
    const exit = await claude.exited;
    expect(exit.code).toBe(143);
    expect(exit.atMs - askedAt).toBeLessThan(1000);
    console.log(`[timing] SIGTERM → process group gone ${(exit.atMs - askedAt).toFixed(0)} ms`);
  });
});
