import type { FinishReason, UnifiedFinishReason } from '../../canonical/chat-event.js';

/**
 * Reads an upstream `finish_reason`. Ollama, sglang and OpenAI itself (forced tool choice) report
 * `stop` after emitting tool calls, so tool calls seen in the answer win over the word
 * (ollama/ollama#5995, sgl-project/sglang#2877, vllm-project/vllm#25054). A missing reason at the
 * end of a stream counts as a normal stop.
 */
export function finishReasonFromWire(raw: string | undefined, sawToolCall: boolean): FinishReason {
  const unified = unifiedFromWire(raw);
  const corrected = sawToolCall && unified === 'stop' ? 'tool-calls' : unified;
  return raw === undefined ? { unified: corrected } : { unified: corrected, raw };
}

function unifiedFromWire(raw: string | undefined): UnifiedFinishReason {
  switch (raw) {
    case undefined:
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

export type WireFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Writes a canonical reason for an OpenAI caller. A client that sees `stop` after tool calls ends
 * its turn without running them (decolua/9router#354), so emitted tool calls turn `stop` into
 * `tool_calls`; `length` and `content_filter` stay, since a truncated call must not be run.
 */
export function finishReasonToWire(reason: FinishReason, sawToolCall: boolean): WireFinishReason {
  const word = wordFor(reason.unified);
  return sawToolCall && word === 'stop' ? 'tool_calls' : word;
}

function wordFor(unified: UnifiedFinishReason): WireFinishReason {
  switch (unified) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    case 'error':
    case 'other':
      return 'stop';
  }
}
