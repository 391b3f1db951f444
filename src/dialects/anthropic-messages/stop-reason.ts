import type { FinishReason, UnifiedFinishReason } from '../../canonical/chat-event.js';

/** Anthropic's stop reasons (SDK 1.14 `StopReason`). */
const ANTHROPIC_STOP_REASONS = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
] as const;
type AnthropicStopReason = (typeof ANTHROPIC_STOP_REASONS)[number];

function isAnthropicStopReason(value: string | undefined): value is AnthropicStopReason {
  return (ANTHROPIC_STOP_REASONS as readonly string[]).includes(value ?? '');
}

export interface DecodedStop {
  finishReason: FinishReason;
  stopSequence?: string;
}

/** @see https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons */
export function finishFromWire(stopReason: string | null | undefined, stopSequence: string | null | undefined): DecodedStop {
  if (stopReason == null) return { finishReason: { unified: 'other' } };
  const finishReason: FinishReason = { unified: unifiedFromWire(stopReason), raw: stopReason };
  return stopReason === 'stop_sequence' && stopSequence != null ? { finishReason, stopSequence } : { finishReason };
}

function unifiedFromWire(stopReason: string): UnifiedFinishReason {
  if (!isAnthropicStopReason(stopReason)) return 'other';
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    case 'pause_turn':
      return 'other';
  }
}

export interface WireStop {
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
}

/**
 * The caller's `stop_reason`. An Anthropic word in `raw` (an Anthropic upstream, Claude Code) is
 * kept as is, so `pause_turn` and `model_context_window_exceeded` survive. Any emitted tool_use
 * block means `tool_use`: several OpenAI-compatible servers report `stop` for tool calls and the
 * client then ends its turn early (9router#354). A truncated turn stays `max_tokens`, as Anthropic
 * itself reports it, so the client does not run a tool call with half-written arguments.
 */
export function stopToWire(finishReason: FinishReason, stopSequence: string | undefined, hasToolUse: boolean): WireStop {
  const stopReason = stopReasonToWire(finishReason, stopSequence, hasToolUse);
  return { stop_reason: stopReason, stop_sequence: stopReason === 'stop_sequence' ? (stopSequence ?? null) : null };
}

function stopReasonToWire(
  finishReason: FinishReason,
  stopSequence: string | undefined,
  hasToolUse: boolean,
): AnthropicStopReason {
  if (isAnthropicStopReason(finishReason.raw)) {
    return hasToolUse && finishReason.raw === 'end_turn' ? 'tool_use' : finishReason.raw;
  }
  if (hasToolUse && finishReason.unified !== 'length') return 'tool_use';
  switch (finishReason.unified) {
    case 'stop':
      return stopSequence === undefined ? 'end_turn' : 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'error':
    case 'other':
      return 'end_turn';
  }
}
