import type { ChatEvent } from '../../canonical/chat-event.js';
import { isJsonObject } from '../../canonical/json.js';
import type { DecodeState, DecodeStep } from './decode-stream.js';
import { malformedEvent } from './errors.js';
import { checkUpstream, parseUpstream } from './parse-wire.js';
import { isContentBlockDelta, isContentBlockStart, isContentBlockStop, isInputJsonDelta, isTextDelta, isTextStart } from './stream-guards.js';
import {
  contentBlockDeltaSchema,
  contentBlockStartSchema,
  contentBlockStopSchema,
  inputJsonDeltaSchema,
  redactedThinkingStartSchema,
  signatureDeltaSchema,
  textDeltaSchema,
  textStartSchema,
  thinkingDeltaSchema,
  thinkingStartSchema,
  toolUseStartSchema,
} from './stream-schema.js';

const START_BLOCK = ['content_block_start', 'content_block'];
const DELTA = ['content_block_delta', 'delta'];

/** A block between its content_block_start and content_block_stop. */
export type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'reasoning'; index: number; signature: string }
  | { kind: 'tool-call'; index: number }
  /** A block type the canonical model does not carry; its deltas and stop are ignored. */
  | { kind: 'skipped' };

export function startBlock(state: DecodeState, data: unknown): DecodeStep {
  const { index: anthropicIndex, content_block: block } = checkUpstream(isContentBlockStart, contentBlockStartSchema, data, ['content_block_start']);
  if (state.blocks.has(anthropicIndex)) throw malformedEvent(`block ${anthropicIndex} started twice`);
  const index = state.nextIndex;
  const opened = openBlock(block.type, index, block);
  const blocks = new Map(state.blocks).set(anthropicIndex, opened.block);
  const nextIndex = opened.block.kind === 'skipped' ? index : index + 1;
  return { state: { ...state, blocks, nextIndex }, events: opened.events };
}

function openBlock(type: string, index: number, block: unknown): { block: OpenBlock; events: ChatEvent[] } {
  switch (type) {
    case 'text': {
      const text = checkUpstream(isTextStart, textStartSchema, block, START_BLOCK).text ?? '';
      const events: ChatEvent[] = [{ type: 'text-start', index }];
      if (text !== '') events.push({ type: 'text-delta', index, text });
      return { block: { kind: 'text', index }, events };
    }
    case 'thinking': {
      const thinking = parseUpstream(thinkingStartSchema, block, START_BLOCK);
      const events: ChatEvent[] = [{ type: 'reasoning-start', index }];
      if ((thinking.thinking ?? '') !== '') events.push({ type: 'reasoning-delta', index, text: thinking.thinking ?? '' });
      return { block: { kind: 'reasoning', index, signature: thinking.signature ?? '' }, events };
    }
    case 'redacted_thinking': {
      const { data } = parseUpstream(redactedThinkingStartSchema, block, START_BLOCK);
      const events: ChatEvent[] = [{ type: 'reasoning-start', index, redactedData: data }];
      return { block: { kind: 'reasoning', index, signature: '' }, events };
    }
    case 'tool_use': {
      const toolUse = parseUpstream(toolUseStartSchema, block, START_BLOCK);
      const events: ChatEvent[] = [{ type: 'tool-call-start', index, callId: toolUse.id, name: toolUse.name }];
      // Anthropic starts with `input: {}` and streams the JSON; a server that sends the whole
      // input up front must not lose it (the LiteLLM #25561 class of bug, in reverse).
      if (isJsonObject(toolUse.input) && Object.keys(toolUse.input).length > 0) {
        events.push({ type: 'tool-call-delta', index, argumentsJson: JSON.stringify(toolUse.input) });
      }
      return { block: { kind: 'tool-call', index }, events };
    }
    default:
      return { block: { kind: 'skipped' }, events: [] };
  }
}

export function stepBlockDelta(state: DecodeState, data: unknown): DecodeStep {
  const { index: anthropicIndex, delta } = checkUpstream(isContentBlockDelta, contentBlockDeltaSchema, data, ['content_block_delta']);
  const block = state.blocks.get(anthropicIndex);
  if (block === undefined) throw malformedEvent(`content_block_delta for block ${anthropicIndex}, which is not open`);
  switch (block.kind) {
    case 'skipped':
      return { state, events: [] };
    case 'text': {
      if (delta.type !== 'text_delta') return { state, events: [] };
      const { text } = checkUpstream(isTextDelta, textDeltaSchema, delta, DELTA);
      return { state, events: [{ type: 'text-delta', index: block.index, text }] };
    }
    case 'tool-call': {
      if (delta.type !== 'input_json_delta') return { state, events: [] };
      // Anthropic's first input_json_delta is usually "": nothing to forward.
      const fragment = checkUpstream(isInputJsonDelta, inputJsonDeltaSchema, delta, DELTA).partial_json;
      return { state, events: fragment === '' ? [] : [{ type: 'tool-call-delta', index: block.index, argumentsJson: fragment }] };
    }
    case 'reasoning':
      if (delta.type === 'thinking_delta') {
        const text = parseUpstream(thinkingDeltaSchema, delta, DELTA).thinking;
        return { state, events: [{ type: 'reasoning-delta', index: block.index, text }] };
      }
      if (delta.type === 'signature_delta') {
        const signature = block.signature + parseUpstream(signatureDeltaSchema, delta, DELTA).signature;
        const blocks = new Map(state.blocks).set(anthropicIndex, { ...block, signature });
        return { state: { ...state, blocks }, events: [] };
      }
      return { state, events: [] };
  }
}

export function closeBlock(state: DecodeState, data: unknown): DecodeStep {
  const { index: anthropicIndex } = checkUpstream(isContentBlockStop, contentBlockStopSchema, data, ['content_block_stop']);
  const block = state.blocks.get(anthropicIndex);
  if (block === undefined) throw malformedEvent(`content_block_stop for block ${anthropicIndex}, which is not open`);
  const blocks = new Map(state.blocks);
  blocks.delete(anthropicIndex);
  return { state: { ...state, blocks }, events: blockEnd(block) };
}

function blockEnd(block: OpenBlock): ChatEvent[] {
  switch (block.kind) {
    case 'skipped':
      return [];
    case 'text':
      return [{ type: 'text-end', index: block.index }];
    case 'tool-call':
      return [{ type: 'tool-call-end', index: block.index }];
    case 'reasoning':
      return [{ type: 'reasoning-end', index: block.index, ...(block.signature === '' ? {} : { signature: block.signature }) }];
  }
}
