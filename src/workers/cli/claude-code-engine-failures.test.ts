import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, test } from 'vitest';
import { GatewayError } from '../../canonical/gateway-error.js';
import { EngineOverloadedError } from '../inference-engine.js';
import {
  chatRequest,
  eventTypes,
  findEvent,
  processesMatching,
  runJob,
  startHarness,
  textOf,
  type EngineHarness,
  type HarnessOptions,
} from './test-support/engine-harness.js';

let harness: EngineHarness | undefined;

async function start(options: HarnessOptions = {}): Promise<EngineHarness> {
  harness = await startHarness(options);
  return harness;
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const toolTurn = (command: string) => ({
  kind: 'turn' as const,
  turn: { text: 'Working on it.', toolCalls: [{ name: 'Bash', arguments: JSON.stringify({ command, description: 'work' }) }] },
});

describe('createClaudeCodeEngine: upstream errors', () => {
  test('an upstream 400 before any text fails the job before its first event', async () => {
    const { engine, mock, processes } = await start();
    mock.enqueue({ kind: 'status', status: 400 });
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.events).toEqual([]);
    expect(outcome.error).toBeInstanceOf(GatewayError);
    expect(outcome.error).toMatchObject({ code: 'upstream_error', upstreamStatus: 400, retryable: false });
    expect((outcome.error as Error).message).toMatch(/^API Error: 400/);
    expect((await processes.get(outcome.jobId)?.exited)?.code).toBe(1);
  });

  test('an upstream error after text already streamed ends the stream with an error event', async () => {
    const { engine, mock } = await start({ allowedTools: ['Bash'] });
    mock.enqueue(toolTurn('echo step'), { kind: 'status', status: 500 });
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.error).toBeUndefined();
    expect(eventTypes(outcome.events)).toMatch(/^response-start text-start( text-delta)+ text-end usage error$/);
    expect(textOf(outcome.events)).toBe('Working on it.');
    expect(findEvent(outcome.events, 'error')?.error).toMatchObject({ code: 'upstream_error', upstreamStatus: 500, retryable: true });
  });

  test('an upstream 429 is an overload: EngineOverloadedError before any event', async () => {
    const { engine, mock, processes } = await start({ overloadRetryAfterMs: 30_000 });
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.events).toEqual([]);
    expect(outcome.error).toBeInstanceOf(EngineOverloadedError);
    expect(outcome.error).toMatchObject({ retryAfterMs: 30_000 });
    expect((outcome.error as Error).message).toMatch(/429/);
    await processes.get(outcome.jobId)?.exited;
  });

  test('when Claude Code would retry a 429 itself, the job is handed back at once and the process killed', async () => {
    const { engine, mock, processes } = await start({ env: { CLAUDE_CODE_MAX_RETRIES: '5' } });
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '20' } });
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.error).toBeInstanceOf(EngineOverloadedError);
    expect((outcome.error as Error).message).toBe('Claude Code was rate limited (HTTP 429): rate_limit');
    const exit = await processes.get(outcome.jobId)?.exited;
    expect(exit?.code).toBe(143);
    expect(mock.requests).toHaveLength(1);
  });

  test('a subscription usage limit (rate_limit_event rejected) is an overload until the limit resets', async () => {
    const nowMs = Date.UTC(2026, 10, 25, 12, 0, 0);
    const resetsAt = nowMs / 1000 + 7200;
    const { engine, mock, processes } = await start({ auth: 'oauth', nowMs: () => nowMs });
    mock.enqueue({
      kind: 'status',
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        'anthropic-ratelimit-unified-reset': String(resetsAt),
      },
    });
    const outcome = await runJob(engine, chatRequest());
    expect(mock.requests[0]?.headers['authorization']).toMatch(/^Bearer /);
    expect(outcome.events).toEqual([]);
    expect(outcome.error).toBeInstanceOf(EngineOverloadedError);
    expect(outcome.error).toMatchObject({ retryAfterMs: 7_200_000 });
    expect((outcome.error as Error).message).toBe('Claude usage limit reached (five_hour), resets at 2026-11-25T14:00:00.000Z');
    await processes.get(outcome.jobId)?.exited;
  });
});

describe('createClaudeCodeEngine: processes', () => {
  test('cancel mid-answer kills the process promptly, ends the iterable, and frees the slot', async () => {
    const { engine, mock, processes } = await start({ slots: 1 });
    mock.enqueue({ kind: 'turn', turn: { text: 'A long answer that takes its time to arrive. '.repeat(4), fragmentChars: 4, delayMs: 100 } });
    const controller = new AbortController();
    let abortedAt = 0;
    let deltas = 0;
    const outcome = await runJob(engine, chatRequest(), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'text-delta' && ++deltas === 2) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const iterableEndedMs = performance.now() - abortedAt;
    expect(outcome.error).toBeUndefined();
    expect(eventTypes(outcome.events)).not.toMatch(/response-end|error/);
    const exit = await processes.get(outcome.jobId)?.exited;
    // Claude Code handles SIGTERM and exits 128 + 15: it ended on the polite signal, no SIGKILL
    // was needed (a SIGKILL'd process has no exit code). How fast is for `npm run bench`, not a test.
    expect(exit?.code).toBe(143);
    expect(exit?.atMs).toBeGreaterThanOrEqual(abortedAt);
    const [request] = mock.requests;
    if (request !== undefined) await mock.waitForAbort(request);
    console.log(`[timing] cancel: iterable ended ${iterableEndedMs.toFixed(1)} ms, process group gone ${((exit?.atMs ?? abortedAt) - abortedAt).toFixed(0)} ms after abort`);
    mock.enqueue({ kind: 'turn', turn: { text: 'Slot is free again.' } });
    const next = await runJob(engine, chatRequest());
    expect(textOf(next.events)).toBe('Slot is free again.');
  });

  test("cancel while Claude's Bash tool runs a command also kills that command (it runs in its own session)", async () => {
    const marker = `sleep 31.${process.pid}`;
    const { engine, mock, processes } = await start({ allowedTools: ['Bash'] });
    mock.enqueue(toolTurn(marker));
    const controller = new AbortController();
    const job = runJob(engine, chatRequest(), { signal: controller.signal });
    const deadline = performance.now() + 10_000;
    while (processesMatching(marker).length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processesMatching(marker).length).toBeGreaterThan(0);
    controller.abort();
    const outcome = await job;
    await processes.get(outcome.jobId)?.exited;
    expect(processesMatching(marker)).toEqual([]);
  });

  test('a process killed from outside mid-answer ends the stream with an error event', async () => {
    const { engine, mock, processes } = await start();
    mock.enqueue({ kind: 'turn', turn: { text: 'This answer will be cut short by a crash.', fragmentChars: 4, delayMs: 100 } });
    let killed = false;
    const outcome = await runJob(engine, chatRequest(), {
      jobId: 'job-crash',
      onEvent: (event) => {
        const pid = processes.get('job-crash')?.pid;
        if (event.type === 'text-delta' && !killed && pid !== undefined) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    expect(outcome.error).toBeUndefined();
    expect(eventTypes(outcome.events)).toMatch(/^response-start text-start( text-delta)+ text-end error$/);
    expect(findEvent(outcome.events, 'error')?.error).toMatchObject({ code: 'upstream_error', message: 'Claude Code exited on SIGKILL before its result' });
  });

  test('a binary that cannot start fails the job before its first event', async () => {
    const { engine } = await start({ claudeBin: '/nonexistent/claude' });
    const outcome = await runJob(engine, chatRequest());
    expect(outcome.events).toEqual([]);
    expect(outcome.error).toMatchObject({ code: 'upstream_error', retryable: true });
    expect((outcome.error as Error).message).toMatch(/before its result: spawn \/nonexistent\/claude ENOENT/);
  });
});

describe('createClaudeCodeEngine: slots', () => {
  const slowTurn = { kind: 'turn' as const, turn: { text: 'Slow and steady answer.', fragmentChars: 4, delayMs: 60 } };

  test('two slots run two jobs at the same time', async () => {
    const { engine, mock } = await start({ slots: 2 });
    mock.enqueue(slowTurn, slowTurn);
    const [a, b] = await Promise.all([runJob(engine, chatRequest()), runJob(engine, chatRequest())]);
    expect([textOf(a.events), textOf(b.events)]).toEqual(['Slow and steady answer.', 'Slow and steady answer.']);
    const [first, second] = mock.requests;
    expect(second?.receivedAt).toBeLessThan(first?.completedAt ?? 0);
  });

  test('one slot runs them one after the other', async () => {
    const { engine, mock } = await start({ slots: 1 });
    mock.enqueue(slowTurn, slowTurn);
    const [a, b] = await Promise.all([runJob(engine, chatRequest()), runJob(engine, chatRequest())]);
    expect([a.error, b.error]).toEqual([undefined, undefined]);
    const [first, second] = mock.requests;
    expect(second?.receivedAt).toBeGreaterThanOrEqual(first?.completedAt ?? Infinity);
  });
});
