import type { ChatEvent, FinishReason } from '../../canonical/chat-event.js';
import type { Usage } from '../../canonical/usage.js';

/** Why node-llama-cpp stopped a generation that was not aborted (`LlamaChatResponse.metadata.stopReason`). */
export type LlamaStopReason = 'eogToken' | 'stopGenerationTrigger' | 'functionCalls' | 'maxTokens' | 'customStopTrigger';

/** What the generation loop observed, in the order it happened. */
export type GenerationInput =
  | { type: 'start'; id: string; model: string }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call-start'; callId: string; name: string }
  | { type: 'tool-call-arguments'; json: string }
  | { type: 'tool-call-end' }
  | { type: 'finish'; stopReason: LlamaStopReason; stopSequence?: string; usage: Partial<Usage> }
  /** The job was cancelled: open blocks are closed and usage reported, but there is no response-end. */
  | { type: 'abort'; usage: Partial<Usage> };

type BlockKind = 'text' | 'reasoning' | 'tool-call';

export interface GenerationState {
  nextIndex: number;
  open: { kind: BlockKind; index: number } | undefined;
  toolCalls: number;
  ended: boolean;
}

export const initialGenerationState: GenerationState = { nextIndex: 0, open: undefined, toolCalls: 0, ended: false };

/**
 * Turns generation observations into canonical events: assigns block indexes, opens and closes
 * blocks so each one runs start → delta* → end before the next starts, and maps node-llama-cpp's
 * stop reason to the unified finish reason.
 */
export function stepGeneration(state: GenerationState, input: GenerationInput): { state: GenerationState; output: ChatEvent[] } {
  if (state.ended) return { state, output: [] };
  switch (input.type) {
    case 'start':
      return { state, output: [{ type: 'response-start', id: input.id, model: input.model }] };
    case 'text':
    case 'reasoning': {
      if (input.text === '') return { state, output: [] };
      const opened = ensureOpen(state, input.type);
      return {
        state: opened.state,
        output: [...opened.output, { type: `${input.type}-delta`, index: opened.index, text: input.text }],
      };
    }
    case 'tool-call-start': {
      const closed = close(state);
      const index = closed.state.nextIndex;
      return {
        state: { ...closed.state, nextIndex: index + 1, open: { kind: 'tool-call', index }, toolCalls: state.toolCalls + 1 },
        output: [...closed.output, { type: 'tool-call-start', index, callId: input.callId, name: input.name }],
      };
    }
    case 'tool-call-arguments':
      if (state.open?.kind !== 'tool-call' || input.json === '') return { state, output: [] };
      return { state, output: [{ type: 'tool-call-delta', index: state.open.index, argumentsJson: input.json }] };
    case 'tool-call-end':
      return state.open?.kind === 'tool-call' ? close(state) : { state, output: [] };
    case 'finish': {
      const closed = close(state);
      const end: ChatEvent = {
        type: 'response-end',
        finishReason: finishReason(input.stopReason, state.toolCalls > 0),
        ...(input.stopSequence === undefined ? {} : { stopSequence: input.stopSequence }),
      };
      return { state: { ...closed.state, ended: true }, output: [...closed.output, { type: 'usage', usage: input.usage }, end] };
    }
    case 'abort': {
      const closed = close(state);
      return { state: { ...closed.state, ended: true }, output: [...closed.output, { type: 'usage', usage: input.usage }] };
    }
  }
}

function ensureOpen(
  state: GenerationState,
  kind: 'text' | 'reasoning',
): { state: GenerationState; output: ChatEvent[]; index: number } {
  if (state.open?.kind === kind) return { state, output: [], index: state.open.index };
  const closed = close(state);
  const index = closed.state.nextIndex;
  return {
    state: { ...closed.state, nextIndex: index + 1, open: { kind, index } },
    output: [...closed.output, { type: `${kind}-start`, index }],
    index,
  };
}

function close(state: GenerationState): { state: GenerationState; output: ChatEvent[] } {
  if (state.open === undefined) return { state, output: [] };
  return { state: { ...state, open: undefined }, output: [{ type: `${state.open.kind}-end`, index: state.open.index }] };
}

/** A stop after tool calls is a tool-call finish: a caller told `stop` ends its turn early. */
function finishReason(stopReason: LlamaStopReason, hadToolCalls: boolean): FinishReason {
  switch (stopReason) {
    case 'maxTokens':
      return { unified: 'length', raw: stopReason };
    case 'functionCalls':
      return { unified: 'tool-calls', raw: stopReason };
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return { unified: hadToolCalls ? 'tool-calls' : 'stop', raw: stopReason };
  }
}
