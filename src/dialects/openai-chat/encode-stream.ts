import type { ChatEvent } from '../../canonical/chat-event.js';
import type { ModelRequest } from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';
import { emptyUsage, mergeUsage, type Usage } from '../../canonical/usage.js';
import type { DialectDependencies, StreamEncoder } from '../dialect.js';
import { formatSse } from '../sse/sse-event.js';
import { encodeStreamError } from './errors.js';
import { finishReasonToWire } from './finish-reason.js';
import { usageToWire } from './usage.js';

export interface EncoderState {
  /** `streaming` once the role chunk is out; `closed` after [DONE] or an error frame. */
  readonly phase: 'idle' | 'streaming' | 'closed';
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly includeUsage: boolean;
  /** Canonical block index → OpenAI tool_calls index (which counts tool calls only, from 0). */
  readonly toolIndexByBlock: Readonly<Record<number, number>>;
  readonly toolCallCount: number;
  readonly usage: Usage;
}

export interface EncoderStep {
  state: EncoderState;
  output: string;
}

/** The id and time are fixed up front so `stepEncoder` stays pure; response-start replaces the id. */
export function initialEncoderState(request: ModelRequest, deps: DialectDependencies): EncoderState {
  return {
    phase: 'idle',
    id: deps.newId('chatcmpl-'),
    model: request.model,
    created: deps.nowSeconds(),
    includeUsage: request.includeUsage,
    toolIndexByBlock: {},
    toolCallCount: 0,
    usage: { ...emptyUsage },
  };
}

/**
 * Canonical events → the exact chunk sequence OpenAI sends (docs/wire-formats.md §1.3): role chunk,
 * deltas, finish chunk, usage chunk when asked for, `[DONE]`. After an error frame nothing follows:
 * a `[DONE]` there would tell the client the answer was complete.
 */
export function stepEncoder(state: EncoderState, event: ChatEvent): EncoderStep {
  if (state.phase === 'closed') return { state, output: '' };
  if (event.type === 'error') return { state: { ...state, phase: 'closed' }, output: encodeStreamError(event.error) };
  let opening: EncoderStep = { state, output: '' };
  if (state.phase === 'idle') {
    opening = open(event.type === 'response-start' ? { ...state, id: event.id || state.id, model: event.model || state.model } : state);
  }
  const step = streamingStep(opening.state, event);
  return { state: step.state, output: opening.output + step.output };
}

/** The role chunk every stream starts with. */
function open(state: EncoderState): EncoderStep {
  const current: EncoderState = { ...state, phase: 'streaming' };
  return { state: current, output: chunk(current, { role: 'assistant', content: '', refusal: null }) };
}

/**
 * An out-of-band chunk: the chunk envelope with `choices: []` (as the usage chunk has) and the data
 * in an `auxot_<name>` field. The SDK yields it, and `chat.completions.stream()` accumulates past it
 * (it loops over the chunk's choices, of which there are none).
 */
export function extensionStep(state: EncoderState, name: string, data: JsonObject): EncoderStep {
  if (state.phase === 'closed') return { state, output: '' };
  const opening = state.phase === 'idle' ? open(state) : { state, output: '' };
  const body: JsonObject = { ...envelope(opening.state), choices: [], [`auxot_${name}`]: data };
  if (state.includeUsage) body.usage = null;
  return { state: opening.state, output: opening.output + formatSse(undefined, JSON.stringify(body)) };
}

function streamingStep(state: EncoderState, event: ChatEvent): EncoderStep {
  switch (event.type) {
    case 'text-delta':
      return { state, output: event.text === '' ? '' : textChunk(state, 'content', event.text) };
    case 'reasoning-delta':
      return { state, output: event.text === '' ? '' : textChunk(state, 'reasoning_content', event.text) };
    case 'tool-call-start': {
      const toolIndex = state.toolCallCount;
      const next = {
        ...state,
        toolCallCount: toolIndex + 1,
        toolIndexByBlock: { ...state.toolIndexByBlock, [event.index]: toolIndex },
      };
      const call = { index: toolIndex, id: event.callId, type: 'function', function: { name: event.name, arguments: '' } };
      return { state: next, output: chunk(next, { tool_calls: [call] }) };
    }
    case 'tool-call-delta': {
      const toolIndex = state.toolIndexByBlock[event.index];
      if (toolIndex === undefined || event.argumentsJson === '') return { state, output: '' };
      return { state, output: chunk(state, { tool_calls: [{ index: toolIndex, function: { arguments: event.argumentsJson } }] }) };
    }
    case 'usage':
      return { state: { ...state, usage: mergeUsage(state.usage, event.usage) }, output: '' };
    case 'response-end':
      return { state: { ...state, phase: 'closed' }, output: finalFrames(state, event.finishReason) };
    case 'response-start':
    case 'text-start':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-end':
    case 'tool-call-end':
      return { state, output: '' };
    case 'error':
      return { state: { ...state, phase: 'closed' }, output: encodeStreamError(event.error) };
  }
}

function finalFrames(state: EncoderState, finishReason: Extract<ChatEvent, { type: 'response-end' }>['finishReason']): string {
  const reason = finishReasonToWire(finishReason, state.toolCallCount > 0);
  let output = chunk(state, {}, reason);
  if (state.includeUsage) output += formatSse(undefined, JSON.stringify({ ...envelope(state), choices: [], usage: usageToWire(state.usage) }));
  return output + formatSse(undefined, '[DONE]');
}

function envelope(state: EncoderState): JsonObject {
  return { id: state.id, object: 'chat.completion.chunk', created: state.created, model: state.model, system_fingerprint: null };
}

/** Each state's chunk envelope up to the delta's field, written once (a delta keeps its state). */
const textChunkHeads = new WeakMap<EncoderState, string>();

/**
 * A text delta chunk from a template: most of a long stream's chunks, and building and
 * stringifying the whole envelope per chunk cost a fifth of a translating stream's CPU. The bytes
 * are those `chunk(state, {[field]: text})` writes (encode-stream.test.ts checks the two agree).
 */
function textChunk(state: EncoderState, field: 'content' | 'reasoning_content', text: string): string {
  let head = textChunkHeads.get(state);
  if (head === undefined) {
    head = `data: {"id":${JSON.stringify(state.id)},"object":"chat.completion.chunk","created":${JSON.stringify(state.created)},"model":${JSON.stringify(state.model)},"system_fingerprint":null,"choices":[{"index":0,"delta":{"`;
    textChunkHeads.set(state, head);
  }
  return `${head}${field}":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]${state.includeUsage ? ',"usage":null' : ''}}\n\n`;
}

/** The generic form of a text delta chunk, for the test that holds the template to it. */
export function genericTextChunk(state: EncoderState, field: 'content' | 'reasoning_content', text: string): string {
  return chunk(state, { [field]: text });
}

function chunk(state: EncoderState, delta: JsonObject, finishReason: string | null = null): string {
  const body: JsonObject = { ...envelope(state), choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
  // With include_usage, OpenAI sends `usage: null` on every chunk before the usage chunk.
  if (state.includeUsage) body.usage = null;
  return formatSse(undefined, JSON.stringify(body));
}

/** The stateful encoder the Dialect hands out: a thin shell around `stepEncoder`. */
export function createStreamEncoder(request: ModelRequest, deps: DialectDependencies): StreamEncoder {
  let state = initialEncoderState(request, deps);
  return {
    push(event) {
      const step = stepEncoder(state, event);
      state = step.state;
      return step.output;
    },
    extension(name, data) {
      const step = extensionStep(state, name, data);
      state = step.state;
      return step.output;
    },
  };
}
