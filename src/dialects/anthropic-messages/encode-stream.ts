import type { ChatEvent } from '../../canonical/chat-event.js';
import type { ModelRequest } from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';
import { emptyUsage, mergeUsage, type Usage } from '../../canonical/usage.js';
import type { DialectDependencies, StreamEncoder } from '../dialect.js';
import { formatSse } from '../sse/sse-event.js';
import { encodeStreamError } from './errors.js';
import { stopToWire } from './stop-reason.js';
import { usageToWire } from './usage.js';

/**
 * Canonical events → the Anthropic SSE sequence, as a pure state machine.
 *
 * Every frame has an `event:` line: the SDK skips data-only messages. Blocks get wire indices 0, 1,
 * 2 in start order, because the SDK applies a delta to `content.at(index)` and silently drops
 * deltas for a gap. Usage is only final at the end (OpenAI upstreams report it last), so the true
 * input and cache numbers go in message_delta, which the SDK lets overwrite message_start's
 * (LiteLLM #31069).
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 */
export interface EncodeState {
  readonly phase: 'before-start' | 'streaming' | 'done';
  /** Open blocks by canonical index. */
  readonly blocks: ReadonlyMap<number, WireBlock>;
  readonly nextWireIndex: number;
  readonly usage: Usage;
  readonly hasToolUse: boolean;
}

interface WireBlock {
  wireIndex: number;
  kind: 'text' | 'thinking' | 'redacted_thinking' | 'tool_use';
}

export const initialEncodeState: EncodeState = {
  phase: 'before-start',
  blocks: new Map(),
  nextWireIndex: 0,
  usage: { ...emptyUsage },
  hasToolUse: false,
};

export interface EncodeStep {
  state: EncodeState;
  output: string;
}

/**
 * Applies one event. Expects `response-start` before any block (the wrapper below synthesizes one
 * when a producer starts without it); nothing is written after `response-end` or `error`.
 */
export function stepEncode(state: EncodeState, event: ChatEvent): EncodeStep {
  if (state.phase === 'done') return { state, output: '' };
  switch (event.type) {
    case 'response-start':
      return state.phase === 'before-start' ? messageStart(state, event.id, event.model) : { state, output: '' };
    case 'usage':
      return { state: { ...state, usage: mergeUsage(state.usage, event.usage) }, output: '' };
    case 'text-start':
      return openBlock(state, event.index, 'text', { type: 'text', text: '' });
    case 'reasoning-start':
      return event.redactedData === undefined
        ? openBlock(state, event.index, 'thinking', { type: 'thinking', thinking: '', signature: '' })
        : openBlock(state, event.index, 'redacted_thinking', { type: 'redacted_thinking', data: event.redactedData });
    case 'tool-call-start': {
      const toolUse = { type: 'tool_use', id: event.callId, name: event.name, input: {} };
      const opened = openBlock(state, event.index, 'tool_use', toolUse);
      return { ...opened, state: { ...opened.state, hasToolUse: true } };
    }
    case 'text-delta':
      return delta(state, event.index, 'text', 'text_delta', 'text', event.text);
    case 'reasoning-delta':
      return delta(state, event.index, 'thinking', 'thinking_delta', 'thinking', event.text);
    case 'tool-call-delta':
      return delta(state, event.index, 'tool_use', 'input_json_delta', 'partial_json', event.argumentsJson);
    case 'reasoning-end':
      return closeBlock(state, event.index, event.signature);
    case 'text-end':
    case 'tool-call-end':
      return closeBlock(state, event.index, undefined);
    case 'response-end':
      return messageEnd(state, event);
    case 'error':
      return { state: { ...state, phase: 'done' }, output: encodeStreamError(event.error) };
  }
}

function frame(type: string, payload: object): string {
  return formatSse(type, JSON.stringify({ type, ...payload }));
}

function messageStart(state: EncodeState, id: string, model: string): EncodeStep {
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usageToWire(state.usage),
  };
  // Anthropic sends a ping right after message_start; some clients use it as a liveness signal.
  return { state: { ...state, phase: 'streaming' }, output: frame('message_start', { message }) + frame('ping', {}) };
}

function openBlock(state: EncodeState, index: number, kind: WireBlock['kind'], contentBlock: object): EncodeStep {
  if (state.blocks.has(index)) return { state, output: '' };
  const wireIndex = state.nextWireIndex;
  const blocks = new Map(state.blocks).set(index, { wireIndex, kind });
  return {
    state: { ...state, blocks, nextWireIndex: wireIndex + 1 },
    output: frame('content_block_start', { index: wireIndex, content_block: contentBlock }),
  };
}

/**
 * A delta frame, written from a template: it is most of a long stream's events, and building and
 * stringifying the nested object per event cost a fifth of a translating stream's CPU. The bytes
 * are those `frame('content_block_delta', {index, delta: {type, [field]: text}})` would write
 * (encode-stream.test.ts checks the two agree).
 */
function delta(state: EncodeState, index: number, kind: WireBlock['kind'], type: string, field: string, text: string): EncodeStep {
  const block = state.blocks.get(index);
  if (block?.kind !== kind || text === '') return { state, output: '' };
  return {
    state,
    output: `event: content_block_delta\ndata: {"type":"content_block_delta","index":${block.wireIndex},"delta":{"type":"${type}","${field}":${JSON.stringify(text)}}}\n\n`,
  };
}

/** The generic form of a delta frame, for the test that holds the template to it. */
export function genericDeltaFrame(wireIndex: number, type: string, field: string, text: string): string {
  return frame('content_block_delta', { index: wireIndex, delta: { type, [field]: text } });
}

function closeBlock(state: EncodeState, index: number, signature: string | undefined): EncodeStep {
  const block = state.blocks.get(index);
  if (block === undefined) return { state, output: '' };
  const blocks = new Map(state.blocks);
  blocks.delete(index);
  const signatureFrame =
    block.kind === 'thinking' && signature !== undefined && signature !== ''
      ? frame('content_block_delta', { index: block.wireIndex, delta: { type: 'signature_delta', signature } })
      : '';
  return { state: { ...state, blocks }, output: signatureFrame + frame('content_block_stop', { index: block.wireIndex }) };
}

function messageEnd(state: EncodeState, event: Extract<ChatEvent, { type: 'response-end' }>): EncodeStep {
  let current = state;
  let output = '';
  const open = [...state.blocks.entries()].sort(([, a], [, b]) => a.wireIndex - b.wireIndex);
  for (const [index] of open) {
    const closed = closeBlock(current, index, undefined);
    current = closed.state;
    output += closed.output;
  }
  const stop = stopToWire(event.finishReason, event.stopSequence, state.hasToolUse);
  const usage = { output_tokens: state.usage.outputTokens, ...usageToWire(state.usage) };
  output += frame('message_delta', { delta: stop, usage });
  output += frame('message_stop', {});
  return { state: { ...current, phase: 'done' }, output };
}

/**
 * The stateful wrapper the Dialect hands out. A producer that starts without `response-start` (a
 * worker that failed early) still yields a valid stream: message_start is synthesized with a new
 * id and the requested model. Usage may arrive first and is folded into that message_start.
 */
export function createAnthropicStreamEncoder(request: ModelRequest, deps: DialectDependencies): StreamEncoder {
  let state = initialEncodeState;
  const start = (): string => {
    const started = stepEncode(state, { type: 'response-start', id: deps.newId('msg_'), model: request.model });
    state = started.state;
    return started.output;
  };
  return {
    push(event: ChatEvent): string {
      const output = state.phase === 'before-start' && event.type !== 'response-start' && event.type !== 'usage' ? start() : '';
      const step = stepEncode(state, event);
      state = step.state;
      return output + step.output;
    },
    extension(name, data) {
      if (state.phase === 'done') return '';
      const output = state.phase === 'before-start' ? start() : '';
      return output + extensionFrame(name, data);
    },
  };
}

/**
 * An out-of-band event: its own event name, with the data in an `auxot_<name>` field. The SDK
 * yields every named event it does not know (`ping` and `error` aside), and MessageStream's
 * accumulator leaves the message as it is for an unknown type, so `finalMessage()` is unchanged.
 * After message_start, because the SDK only reports events once a message has started.
 */
export function extensionFrame(name: string, data: JsonObject): string {
  return frame(name, { [`auxot_${name}`]: data });
}
