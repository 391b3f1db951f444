import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Usage } from '../../canonical/usage.js';
import { initialDecodeState, stepDecode, type DecodeState } from '../../dialects/anthropic-messages/decode-stream.js';
import type { ClaudeCodeJobReport } from './job-report.js';
import { judgeResult } from './result-verdict.js';
import type { CliLine, CliResult } from './stream-json-line.js';

/**
 * Claude Code's stream-json → the caller's canonical events, as a pure state machine.
 *
 * Claude Code runs its own agent loop: several model calls ("internal turns") with its own tools in
 * between. The caller sees only the text Claude writes, as ONE text block across all internal turns
 * (a blank line between turns); Claude's tool calls, their results and its thinking stay inside
 * the worker, since the caller could not run or continue them. Usage and cost come from the final
 * `result` line, which sums every internal turn.
 *
 * Nothing is emitted before the first text: a failure up to then ends the job with `failed` or
 * `overloaded` and no events, so the router may still try another candidate.
 */
export interface StreamJsonState {
  readonly phase: 'running' | 'ended';
  readonly responseId: string;
  readonly model: string;
  readonly defaultRetryAfterMs: number;
  /** `response-start` and the caller's text block (index 0) have been emitted. */
  readonly started: boolean;
  /** Written before the next non-empty text: '' or the blank line between two text blocks. */
  readonly pendingGap: string;
  /** The internal turn being streamed, read by the Anthropic dialect's own stream decoder. */
  readonly turn: DecodeState | undefined;
  readonly lastTurnStop: string | undefined;
  /** This turn resumes one cut at max_tokens: its first text continues mid-sentence, with no gap. */
  readonly resumesCutTurn: boolean;
  /** When a rejected usage limit lifts (epoch ms), from a `rate_limit_event`. */
  readonly limitResetsAtMs: number | undefined;
}

export type StreamJsonInput =
  | { kind: 'line'; line: CliLine; nowMs: number }
  /** The process ended; `stderrTail` explains a crash. */
  | { kind: 'exit'; code: number | null; signal: string | null; stderrTail: string };

/** How the job ends, once it does. */
export type JobEnd =
  /** The events emitted so far are the whole stream (ending in `response-end` or `error`). */
  | { type: 'complete' }
  /** Nothing was emitted: fail the job before its first byte. */
  | { type: 'failed'; error: GatewayError }
  /** Nothing was emitted and the account is rate- or usage-limited: requeue the job elsewhere. */
  | { type: 'overloaded'; message: string; retryAfterMs: number };

export interface StreamJsonStep {
  state: StreamJsonState;
  events: ChatEvent[];
  end?: JobEnd;
  report?: ClaudeCodeJobReport;
}

const TURN_GAP = '\n\n';
const MIN_RETRY_AFTER_MS = 1000;

export function initialStreamJsonState(options: { responseId: string; model: string; defaultRetryAfterMs: number }): StreamJsonState {
  return {
    phase: 'running',
    ...options,
    started: false,
    pendingGap: '',
    turn: undefined,
    lastTurnStop: undefined,
    resumesCutTurn: false,
    limitResetsAtMs: undefined,
  };
}

export function stepStreamJson(state: StreamJsonState, input: StreamJsonInput): StreamJsonStep {
  if (state.phase === 'ended') return { state, events: [] };
  if (input.kind === 'exit') return onExit(state, input);
  const { line, nowMs } = input;
  switch (line.kind) {
    case 'stream-event':
      return line.isMainThread ? onStreamEvent(state, line.event) : { state, events: [] };
    case 'api-retry':
      // Claude Code retries 429s itself (up to CLAUDE_CODE_MAX_RETRIES, default 10, with backoff);
      // before any text the job is better off on another worker right away.
      if (line.errorStatus !== 429 || state.started) return { state, events: [] };
      return overloaded(state, `Claude Code was rate limited (HTTP 429): ${line.message}`, nowMs);
    case 'rate-limit':
      return onRateLimit(state, line, nowMs);
    case 'result':
      return onResult(state, line.result, nowMs);
    case 'malformed':
      if (line.type !== 'result') return { state, events: [] };
      return fail(state, new GatewayError('upstream_error', `Claude Code wrote an unreadable result line: ${line.detail}`));
    case 'init':
    case 'other':
      return { state, events: [] };
  }
}

function onStreamEvent(state: StreamJsonState, event: Record<string, unknown>): StreamJsonStep {
  let current = state;
  if (event['type'] === 'message_start') {
    current = { ...state, turn: initialDecodeState, resumesCutTurn: state.lastTurnStop === 'max_tokens' };
  }
  if (current.turn === undefined) return { state, events: [] };
  const decoded = stepDecode(current.turn, { data: JSON.stringify(event) });
  current = { ...current, turn: decoded.state };
  const events: ChatEvent[] = [];
  for (const turnEvent of decoded.events) {
    const forwarded = forwardTurnEvent(current, turnEvent);
    current = forwarded.state;
    events.push(...forwarded.events);
  }
  return { state: current, events };
}

/** Keeps the text of an internal turn; its tool calls, thinking, usage and errors stay inside. */
function forwardTurnEvent(state: StreamJsonState, event: ChatEvent): StreamJsonStep {
  switch (event.type) {
    case 'text-start': {
      const pendingGap = state.started && !state.resumesCutTurn ? TURN_GAP : state.pendingGap;
      return { state: { ...state, pendingGap, resumesCutTurn: false }, events: [] };
    }
    case 'text-delta':
      return event.text === '' ? { state, events: [] } : emitText(state, event.text);
    case 'response-end':
      return { state: { ...state, lastTurnStop: event.finishReason.raw }, events: [] };
    default:
      return { state, events: [] };
  }
}

function emitText(state: StreamJsonState, text: string): StreamJsonStep {
  const events: ChatEvent[] = state.started
    ? []
    : [
        { type: 'response-start', id: state.responseId, model: state.model },
        { type: 'text-start', index: 0 },
      ];
  events.push({ type: 'text-delta', index: 0, text: state.pendingGap + text });
  return { state: { ...state, started: true, pendingGap: '' }, events };
}

function onRateLimit(state: StreamJsonState, line: Extract<CliLine, { kind: 'rate-limit' }>, nowMs: number): StreamJsonStep {
  // "rejected" while overage credits are in use is not a refusal: the request goes on, billed as overage.
  if (line.status !== 'rejected' || line.usingOverage) return { state, events: [] };
  const limitResetsAtMs = line.resetsAtSeconds === undefined ? state.limitResetsAtMs : line.resetsAtSeconds * 1000;
  const next = { ...state, limitResetsAtMs };
  if (state.started) return { state: next, events: [] };
  const resets = limitResetsAtMs === undefined ? '' : `, resets at ${new Date(limitResetsAtMs).toISOString()}`;
  return overloaded(next, `Claude usage limit reached (${line.limitType ?? 'unknown limit'})${resets}`, nowMs);
}

function onResult(state: StreamJsonState, result: CliResult, nowMs: number): StreamJsonStep {
  const report = reportOf(result);
  const verdict = judgeResult(result);
  switch (verdict.kind) {
    case 'finished': {
      const events = [...closeText(state), ...usageEvents(result.usage)];
      events.push({ type: 'response-end', finishReason: verdict.finishReason });
      return { state: { ...state, phase: 'ended' }, events, end: { type: 'complete' }, report };
    }
    case 'usage-limit': {
      if (!state.started) return { ...overloaded(state, verdict.message, nowMs), report };
      const error = new GatewayError('rate_limited', verdict.message, { retryAfterMs: retryAfterMs(state, nowMs), upstreamStatus: 429 });
      return { ...fail(state, error, result.usage), report };
    }
    case 'failed':
      return { ...fail(state, verdict.error, result.usage), report };
  }
}

function onExit(state: StreamJsonState, exit: Extract<StreamJsonInput, { kind: 'exit' }>): StreamJsonStep {
  const how = exit.signal === null ? `with code ${String(exit.code)}` : `on ${exit.signal}`;
  const detail = exit.stderrTail.trim() === '' ? '' : `: ${exit.stderrTail.trim()}`;
  return fail(state, new GatewayError('upstream_error', `Claude Code exited ${how} before its result${detail}`, { retryable: true }));
}

/** Before the first text: fail the job. After it: close the text and end the stream with an error event. */
function fail(state: StreamJsonState, error: GatewayError, usage: Partial<Usage> = {}): StreamJsonStep {
  const ended: StreamJsonState = { ...state, phase: 'ended' };
  if (!state.started) return { state: ended, events: [], end: { type: 'failed', error } };
  const events: ChatEvent[] = [...closeText(state), ...usageEvents(usage), { type: 'error', error }];
  return { state: ended, events, end: { type: 'complete' } };
}

function overloaded(state: StreamJsonState, message: string, nowMs: number): StreamJsonStep {
  const end: JobEnd = { type: 'overloaded', message, retryAfterMs: retryAfterMs(state, nowMs) };
  return { state: { ...state, phase: 'ended' }, events: [], end };
}

function retryAfterMs(state: StreamJsonState, nowMs: number): number {
  if (state.limitResetsAtMs === undefined) return state.defaultRetryAfterMs;
  return Math.max(MIN_RETRY_AFTER_MS, state.limitResetsAtMs - nowMs);
}

/** An answer with no text at all (Claude only ran tools) still gets its response-start. */
function closeText(state: StreamJsonState): ChatEvent[] {
  if (!state.started) return [{ type: 'response-start', id: state.responseId, model: state.model }];
  return [{ type: 'text-end', index: 0 }];
}

function usageEvents(usage: Partial<Usage>): ChatEvent[] {
  return Object.keys(usage).length === 0 ? [] : [{ type: 'usage', usage }];
}

function reportOf(result: CliResult): ClaudeCodeJobReport {
  return {
    costUsd: result.costUsd,
    sessionId: result.sessionId,
    numTurns: result.numTurns,
    durationMs: result.durationMs,
    durationApiMs: result.durationApiMs,
  };
}
