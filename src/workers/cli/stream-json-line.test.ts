import { describe, expect, test } from 'vitest';
import { parseCliLine } from './stream-json-line.js';
import { judgeResult } from './result-verdict.js';
import { apiRetryLine, initLine, rateLimitLine, resultLine, statusLine, streamEventLine, toolResultLine } from './test-support/stream-json-fixtures.js';

describe('parseCliLine', () => {
  test('init, status and unknown types', () => {
    expect(parseCliLine(initLine())).toEqual({ kind: 'init', sessionId: '28dbec0c-08df-4e67-98b9-9127e5e6e74a' });
    expect(parseCliLine(statusLine())).toEqual({ kind: 'other', type: 'system/status' });
    expect(parseCliLine(toolResultLine('hi'))).toEqual({ kind: 'other', type: 'user' });
    expect(parseCliLine('{"type":"prompt_suggestion","suggestion":"x"}')).toEqual({ kind: 'other', type: 'prompt_suggestion' });
  });

  test('stream events carry the raw Anthropic event and whether they belong to the main thread', () => {
    const event = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } };
    expect(parseCliLine(streamEventLine(event))).toEqual({ kind: 'stream-event', event, isMainThread: true });
    expect(parseCliLine(streamEventLine(event, 'toolu_task'))).toEqual({ kind: 'stream-event', event, isMainThread: false });
  });

  test('api_retry and rate_limit_event', () => {
    expect(parseCliLine(apiRetryLine(429))).toEqual({ kind: 'api-retry', errorStatus: 429, message: 'rate_limit' });
    expect(parseCliLine(apiRetryLine(null))).toEqual({ kind: 'api-retry', errorStatus: undefined, message: 'rate_limit' });
    expect(parseCliLine(rateLimitLine({ status: 'rejected', resetsAt: 1795617846, rateLimitType: 'five_hour', isUsingOverage: false }))).toEqual({
      kind: 'rate-limit',
      status: 'rejected',
      resetsAtSeconds: 1795617846,
      usingOverage: false,
      limitType: 'five_hour',
    });
  });

  test('the result line, field by field', () => {
    const line = parseCliLine(resultLine({ errors: ['a', 'b'] }));
    expect(line).toEqual({
      kind: 'result',
      result: {
        subtype: 'success',
        isError: false,
        apiErrorStatus: undefined,
        text: 'Hello there, caller.',
        errors: ['a', 'b'],
        stopReason: 'end_turn',
        terminalReason: 'completed',
        costUsd: 0.09449,
        usage: { inputTokens: 18873, outputTokens: 5, cacheReadTokens: 4000, cacheWriteTokens: 120 },
        sessionId: '28dbec0c-08df-4e67-98b9-9127e5e6e74a',
        numTurns: 1,
        durationMs: 277,
        durationApiMs: 71,
      },
    });
  });

  test('malformed lines say what is wrong and never throw', () => {
    expect(parseCliLine('Warning: something on stdout')).toEqual({ kind: 'malformed', type: undefined, detail: 'not JSON' });
    expect(parseCliLine('[1,2]')).toEqual({ kind: 'malformed', type: undefined, detail: 'no type' });
    expect(parseCliLine('{"type":"result","subtype":"success","is_error":"no"}')).toMatchObject({ kind: 'malformed', type: 'result', detail: expect.stringContaining('is_error') });
    expect(parseCliLine('{"type":"result","subtype":"success","is_error":false,"total_cost_usd":-1}')).toMatchObject({ kind: 'malformed', type: 'result' });
  });
});

describe('judgeResult', () => {
  const judge = (overrides: Record<string, unknown>) => {
    const line = parseCliLine(resultLine(overrides));
    if (line.kind !== 'result') throw new Error('not a result line');
    return judgeResult(line.result);
  };

  test('a subscription limit is recognised by its words even without a 429', () => {
    expect(judge({ is_error: true, api_error_status: null, result: "You've hit your weekly limit · resets Mon 9am" })).toEqual({
      kind: 'usage-limit',
      message: "You've hit your weekly limit · resets Mon 9am",
    });
  });

  test('server errors are retryable upstream errors; a 400 is not', () => {
    const server = judge({ is_error: true, api_error_status: 500, result: 'API Error: 500 boom' });
    expect(server.kind === 'failed' ? server.error : undefined).toMatchObject({ code: 'upstream_error', retryable: true, upstreamStatus: 500 });
    const bad = judge({ is_error: true, api_error_status: 400, result: 'API Error: 400 bad' });
    expect(bad.kind === 'failed' ? bad.error : undefined).toMatchObject({ code: 'upstream_error', retryable: false, upstreamStatus: 400 });
  });

  test('an error with no text falls back to the errors list, then to the subtype', () => {
    const listed = judge({ subtype: 'error_during_execution', is_error: true, result: null, errors: ['tool crashed', 'gave up'] });
    expect(listed.kind === 'failed' ? listed.error.message : '').toBe('tool crashed; gave up');
    const bare = judge({ subtype: 'error_during_execution', is_error: true, result: null });
    expect(bare.kind === 'failed' ? bare.error : undefined).toMatchObject({ message: 'Claude Code failed (error_during_execution)', retryable: true });
  });

  test('budget and turn limits, refusals and unknown stop reasons', () => {
    expect(judge({ subtype: 'error_max_budget_usd', is_error: true })).toEqual({ kind: 'finished', finishReason: { unified: 'length', raw: 'max_budget_usd' } });
    expect(judge({ stop_reason: 'refusal' })).toEqual({ kind: 'finished', finishReason: { unified: 'content-filter', raw: 'refusal' } });
    expect(judge({ stop_reason: 'pause_turn' })).toEqual({ kind: 'finished', finishReason: { unified: 'other', raw: 'pause_turn' } });
    expect(judge({ stop_reason: null })).toEqual({ kind: 'finished', finishReason: { unified: 'stop' } });
  });
});
