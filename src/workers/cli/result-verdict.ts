import type { FinishReason } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { CliResult } from './stream-json-line.js';

/** What a `result` line means for the job. */
export type ResultVerdict =
  | { kind: 'finished'; finishReason: FinishReason }
  /** The account behind the worker is out of quota: the job belongs on another worker for a while. */
  | { kind: 'usage-limit'; message: string }
  | { kind: 'failed'; error: GatewayError };

/**
 * Claude Code's own words when a subscription limit stops it (2.1.197 binary: "You've hit your
 * session limit · resets 2:44pm", "You're out of usage credits", and the older "Claude AI usage
 * limit reached|<epoch>"). Matched only on `is_error` results.
 */
const USAGE_LIMIT_TEXT = /you've (hit|reached) your|out of usage|usage limit reached/i;

/**
 * Judges the final line. `is_error` decides, not `subtype`: an API error arrives as
 * `subtype: "success", is_error: true` (docs/wire-formats.md §4.3). The two limits Claude Code enforces
 * on itself (max turns, max budget) are flagged `is_error` too, yet they end a valid answer the way
 * max tokens does, so they finish with `length`.
 */
export function judgeResult(result: CliResult): ResultVerdict {
  const limit = selfImposedLimit(result.subtype);
  if (limit !== undefined) return { kind: 'finished', finishReason: { unified: 'length', raw: limit } };
  if (!result.isError) return { kind: 'finished', finishReason: finishFromStopReason(result.stopReason) };
  const message = errorMessage(result);
  if (result.apiErrorStatus === 429 || USAGE_LIMIT_TEXT.test(message)) return { kind: 'usage-limit', message };
  return { kind: 'failed', error: apiError(result.apiErrorStatus, message) };
}

function selfImposedLimit(subtype: string): string | undefined {
  switch (subtype) {
    case 'error_max_turns':
      return 'max_turns';
    case 'error_max_budget_usd':
      return 'max_budget_usd';
    default:
      return undefined;
  }
}

/** The stop reason of Claude Code's last internal turn. */
export function finishFromStopReason(stopReason: string | undefined): FinishReason {
  switch (stopReason) {
    case undefined:
      return { unified: 'stop' };
    case 'end_turn':
    case 'stop_sequence':
      return { unified: 'stop', raw: stopReason };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw: stopReason };
    case 'refusal':
      return { unified: 'content-filter', raw: stopReason };
    default:
      return { unified: 'other', raw: stopReason };
  }
}

function errorMessage(result: CliResult): string {
  const text = result.text?.trim();
  if (text !== undefined && text !== '') return text;
  if (result.errors.length > 0) return result.errors.join('; ');
  return `Claude Code failed (${result.subtype})`;
}

/**
 * Errors Claude Code itself hit talking to the model API. The request is Claude Code's, not the
 * caller's, so even a 400 is an upstream error (with its status kept for audit); overloads and
 * server errors may succeed on another worker.
 */
export function apiError(status: number | undefined, message: string): GatewayError {
  if (status === 503 || status === 529) return new GatewayError('overloaded', message, { upstreamStatus: status });
  const retryable = status === undefined || status === 408 || status === 409 || status >= 500;
  return new GatewayError('upstream_error', message, { upstreamStatus: status, retryable });
}
