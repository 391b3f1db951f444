import { describe, expect, test } from 'vitest';
import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { ClaudeCodeJobReport } from './job-report.js';
import { initialStreamJsonState, stepStreamJson, type JobEnd, type StreamJsonInput } from './stream-json-decoder.js';
import { parseCliLine } from './stream-json-line.js';
import {
  apiErrorLines,
  apiRetryLine,
  initLine,
  rateLimitLine,
  resultLine,
  statusLine,
  toolResultLine,
  turnLines,
} from './test-support/stream-json-fixtures.js';

const NOW_MS = Date.UTC(2026, 10, 25, 13, 0, 0);

interface Fold {
  events: ChatEvent[];
  ends: JobEnd[];
  reports: ClaudeCodeJobReport[];
}

function fold(lines: string[], exit?: Extract<StreamJsonInput, { kind: 'exit' }>): Fold {
  let state = initialStreamJsonState({ responseId: 'msg_1', model: 'claude-mock', defaultRetryAfterMs: 60_000 });
  const result: Fold = { events: [], ends: [], reports: [] };
  const inputs: StreamJsonInput[] = lines.map((text) => ({ kind: 'line', line: parseCliLine(text), nowMs: NOW_MS }));
  if (exit !== undefined) inputs.push(exit);
  for (const input of inputs) {
    const step = stepStreamJson(state, input);
    state = step.state;
    result.events.push(...step.events);
    if (step.end !== undefined) result.ends.push(step.end);
    if (step.report !== undefined) result.reports.push(step.report);
  }
  return result;
}

function text(events: ChatEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}

function types(events: ChatEvent[]): string[] {
  return events.map((event) => event.type);
}

const answer = (pieces: string[], id = 'msg_mock2'): string[] => turnLines({ id, texts: [pieces], stopReason: 'end_turn' });

describe('stepStreamJson: answers', () => {
  test('a plain answer: contract order, one text block, usage and finish from the result line', () => {
    const { events, ends, reports } = fold([initLine(), statusLine(), ...answer(['Hel', 'lo ', 'there.']), resultLine()]);
    expect(types(events)).toEqual(['response-start', 'text-start', 'text-delta', 'text-delta', 'text-delta', 'text-end', 'usage', 'response-end']);
    expect(events[0]).toEqual({ type: 'response-start', id: 'msg_1', model: 'claude-mock' });
    expect(events.filter((event) => 'index' in event).map((event) => ('index' in event ? event.index : -1))).toEqual([0, 0, 0, 0, 0]);
    expect(text(events)).toBe('Hello there.');
    expect(events.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 18873, outputTokens: 5, cacheReadTokens: 4000, cacheWriteTokens: 120 } });
    expect(events.at(-1)).toEqual({ type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' } });
    expect(ends).toEqual([{ type: 'complete' }]);
    expect(reports).toEqual([{ costUsd: 0.09449, sessionId: '28dbec0c-08df-4e67-98b9-9127e5e6e74a', numTurns: 1, durationMs: 277, durationApiMs: 71 }]);
  });

  test("Claude's own tool calls, tool results and thinking stay inside; text of every internal turn joins with a blank line", () => {
    const { events } = fold([
      ...turnLines({ id: 'msg_a', thinking: 'I should run it.', texts: [['Let me ', 'check.']], toolUse: { name: 'Bash', input: ['{"command":', '"echo hi"}'] }, stopReason: 'tool_use' }),
      toolResultLine('hi'),
      statusLine(),
      ...turnLines({ id: 'msg_b', texts: [['It says ', 'hi.']], stopReason: 'end_turn' }),
      resultLine({ num_turns: 2 }),
    ]);
    expect(types(events).filter((type) => type.startsWith('tool') || type.startsWith('reasoning'))).toEqual([]);
    expect(types(events).filter((type) => type === 'text-start' || type === 'text-end')).toEqual(['text-start', 'text-end']);
    expect(text(events)).toBe('Let me check.\n\nIt says hi.');
  });

  test('a turn with only a tool call adds no stray blank line', () => {
    const { events } = fold([
      ...turnLines({ id: 'msg_a', toolUse: { name: 'Bash', input: ['{}'] }, stopReason: 'tool_use' }),
      ...answer(['Done.'], 'msg_b'),
      resultLine(),
    ]);
    expect(text(events)).toBe('Done.');
    expect(types(events).slice(0, 2)).toEqual(['response-start', 'text-start']);
  });

  test('two text blocks in one turn are separated too, but an empty block leaves no gap', () => {
    const { events } = fold([...turnLines({ id: 'msg_a', texts: [['First.'], [], ['Second.']], stopReason: 'end_turn' }), resultLine()]);
    expect(text(events)).toBe('First.\n\nSecond.');
  });

  test('a turn cut at max_tokens continues mid-sentence in the next turn, with no gap', () => {
    const { events } = fold([
      ...turnLines({ id: 'msg_a', texts: [['Truncated answ']], stopReason: 'max_tokens' }),
      ...answer(['er goes on.'], 'msg_b'),
      ...answer(['A new turn.'], 'msg_c'),
      resultLine(),
    ]);
    expect(text(events)).toBe('Truncated answer goes on.\n\nA new turn.');
  });

  test("a sub-agent's stream (parent_tool_use_id set) is not the caller's text", () => {
    const { events } = fold([
      ...turnLines({ id: 'msg_sub', texts: [['sub-agent notes']], stopReason: 'end_turn', parentToolUseId: 'toolu_task' }),
      ...answer(['Main answer.']),
      resultLine(),
    ]);
    expect(text(events)).toBe('Main answer.');
  });

  test('an answer with no text at all still has response-start, usage and response-end', () => {
    const { events, ends } = fold([...turnLines({ id: 'msg_a', toolUse: { name: 'Bash', input: ['{}'] }, stopReason: 'tool_use' }), resultLine({ result: '' })]);
    expect(types(events)).toEqual(['response-start', 'usage', 'response-end']);
    expect(ends).toEqual([{ type: 'complete' }]);
  });

  test('max turns is flagged is_error but ends a valid answer with finish length', () => {
    const { events, ends } = fold([
      ...answer(['Partial work.']),
      resultLine({ subtype: 'error_max_turns', is_error: true, stop_reason: 'tool_use', terminal_reason: 'max_turns', errors: ['Reached maximum number of turns (1)'] }),
    ]);
    expect(events.at(-1)).toEqual({ type: 'response-end', finishReason: { unified: 'length', raw: 'max_turns' } });
    expect(ends).toEqual([{ type: 'complete' }]);
  });

  test('the last turn stopping at max_tokens finishes with length', () => {
    const { events } = fold([...answer(['x']), resultLine({ stop_reason: 'max_tokens' })]);
    expect(events.at(-1)).toEqual({ type: 'response-end', finishReason: { unified: 'length', raw: 'max_tokens' } });
  });

  test('input after the end changes nothing', () => {
    const { events, ends } = fold([...answer(['Hi.']), resultLine(), ...answer(['More?'], 'msg_late'), resultLine()]);
    expect(text(events)).toBe('Hi.');
    expect(ends).toHaveLength(1);
  });
});

describe('stepStreamJson: failures', () => {
  test('an API error before any text fails the job with no events (is_error, not subtype)', () => {
    const { events, ends, reports } = fold([initLine(), ...apiErrorLines(400, 'API Error: 400 Invalid request.')]);
    expect(events).toEqual([]);
    expect(ends).toHaveLength(1);
    const end = ends[0];
    expect(end?.type).toBe('failed');
    const error = end?.type === 'failed' ? end.error : undefined;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_error', message: 'API Error: 400 Invalid request.', upstreamStatus: 400, retryable: false });
    expect(reports[0]?.costUsd).toBe(0);
  });

  test('an API error after text closes the text and ends the stream with an error event', () => {
    const { events, ends } = fold([
      ...turnLines({ id: 'msg_a', texts: [['Working on it.']], toolUse: { name: 'Bash', input: ['{}'] }, stopReason: 'tool_use' }),
      ...apiErrorLines(529, 'API Error: 529 Overloaded'),
    ]);
    expect(types(events)).toEqual(['response-start', 'text-start', 'text-delta', 'text-end', 'usage', 'error']);
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.error : undefined).toMatchObject({ code: 'overloaded', upstreamStatus: 529, retryable: true });
    expect(ends).toEqual([{ type: 'complete' }]);
  });

  test('a 429 result before text is an overload with the default retry delay', () => {
    const { events, ends } = fold(apiErrorLines(429, 'API Error: Request rejected (429) · per-minute rate limit', 'rate_limit'));
    expect(events).toEqual([]);
    expect(ends).toEqual([{ type: 'overloaded', message: 'API Error: Request rejected (429) · per-minute rate limit', retryAfterMs: 60_000 }]);
  });

  test('a rejected rate_limit_event before text is an overload at once, retrying when the limit resets', () => {
    const resetsAt = NOW_MS / 1000 + 3600;
    const { ends } = fold([statusLine(), rateLimitLine({ status: 'rejected', resetsAt, rateLimitType: 'five_hour', isUsingOverage: false })]);
    expect(ends).toEqual([
      { type: 'overloaded', message: `Claude usage limit reached (five_hour), resets at ${new Date(resetsAt * 1000).toISOString()}`, retryAfterMs: 3_600_000 },
    ]);
  });

  test('warnings and overage use are not refusals', () => {
    const { ends, events } = fold([
      rateLimitLine({ status: 'allowed_warning', resetsAt: NOW_MS / 1000 + 60, utilization: 0.9 }),
      rateLimitLine({ status: 'rejected', resetsAt: NOW_MS / 1000 + 60, isUsingOverage: true, overageStatus: 'allowed' }),
      ...answer(['Fine.']),
      resultLine(),
    ]);
    expect(ends).toEqual([{ type: 'complete' }]);
    expect(text(events)).toBe('Fine.');
  });

  test('a usage limit after text becomes a rate_limited error event carrying the reset time', () => {
    const resetsAt = NOW_MS / 1000 + 120;
    const { events } = fold([
      ...turnLines({ id: 'msg_a', texts: [['Step one.']], toolUse: { name: 'Bash', input: ['{}'] }, stopReason: 'tool_use' }),
      rateLimitLine({ status: 'rejected', resetsAt, rateLimitType: 'five_hour' }),
      ...apiErrorLines(429, "You've hit your session limit · resets 2:44pm (UTC)", 'rate_limit'),
    ]);
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.error : undefined).toMatchObject({ code: 'rate_limited', retryAfterMs: 120_000, upstreamStatus: 429 });
  });

  test('an early api_retry on 429 is an overload; on other statuses or after text Claude Code keeps retrying', () => {
    expect(fold([apiRetryLine(429)]).ends).toEqual([{ type: 'overloaded', message: 'Claude Code was rate limited (HTTP 429): rate_limit', retryAfterMs: 60_000 }]);
    expect(fold([apiRetryLine(529)]).ends).toEqual([]);
    expect(fold([...answer(['Hi.']), apiRetryLine(429)]).ends).toEqual([]);
  });

  test('the process exiting before its result fails the job, naming the exit and stderr', () => {
    const { ends } = fold([initLine()], { kind: 'exit', code: 1, signal: null, stderrTail: 'Error: boom\n' });
    const error = ends[0]?.type === 'failed' ? ends[0].error : undefined;
    expect(error).toMatchObject({ code: 'upstream_error', retryable: true, message: 'Claude Code exited with code 1 before its result: Error: boom' });
  });

  test('a process killed mid-answer ends the stream with an error event', () => {
    const lines = answer(['Half an ans']).slice(0, 4);
    const { events } = fold(lines, { kind: 'exit', code: null, signal: 'SIGKILL', stderrTail: '' });
    expect(types(events)).toEqual(['response-start', 'text-start', 'text-delta', 'text-end', 'error']);
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.error.message : '').toBe('Claude Code exited on SIGKILL before its result');
  });

  test('an unreadable result line fails; other unreadable lines are skipped', () => {
    const { events, ends } = fold(['not json', JSON.stringify({ type: 'stream_event', event: 'oops' }), ...answer(['Hi.']), JSON.stringify({ type: 'result', subtype: 'success' })]);
    expect(text(events)).toBe('Hi.');
    expect(events.at(-1)?.type).toBe('error');
    expect(ends).toEqual([{ type: 'complete' }]);
  });
});
