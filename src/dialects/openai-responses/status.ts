import type { FinishReason } from '../../canonical/chat-event.js';
import type { JsonObject } from '../../canonical/json.js';

export type ResponseStatus = 'completed' | 'incomplete' | 'failed';

/**
 * A Responses answer has no finish reason: a status, and for `incomplete` the reason. A truncated
 * answer (`length`) is `incomplete` with `max_output_tokens`, so a client never runs a cut-off
 * function call; tool calls are simply the function_call items of a `completed` response.
 */
export function statusFor(reason: FinishReason): { status: ResponseStatus; incompleteDetails: JsonObject | null } {
  switch (reason.unified) {
    case 'stop':
    case 'tool-calls':
    case 'other':
      return { status: 'completed', incompleteDetails: null };
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
    case 'content-filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incompleteDetails: null };
  }
}

/** Reads a terminal status back into a finish reason; `raw` keeps the upstream's words for audit. */
export function finishReasonFromStatus(status: string | undefined, incompleteReason: string | undefined, sawToolCall: boolean): FinishReason {
  if (status === 'incomplete') {
    const raw = incompleteReason ?? 'incomplete';
    if (incompleteReason === 'content_filter') return { unified: 'content-filter', raw };
    return { unified: 'length', raw };
  }
  if (status === 'completed' || status === undefined) return { unified: sawToolCall ? 'tool-calls' : 'stop', raw: 'completed' };
  return { unified: 'other', raw: status };
}
