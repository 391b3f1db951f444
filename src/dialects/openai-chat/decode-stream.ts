import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { DialectDependencies, StreamDecoder } from '../dialect.js';
import type { SseEvent } from '../sse/sse-event.js';
import { ContentDeltaTemplate } from './content-delta-template.js';
import { finishReasonFromWire } from './finish-reason.js';
import { errorFromUpstreamPayload } from './upstream-error.js';
import { usageFromWire } from './usage.js';
import { isRecord, nonEmptyString, recordOf, type WireRecord } from './wire-values.js';

/** The content block currently open; `toolKey` ties a tool-call block to its upstream `index`. */
type OpenBlock =
  | { kind: 'text' | 'reasoning'; index: number }
  | { kind: 'tool-call'; index: number; toolKey: string; callId: string };

export interface DecoderState {
  /** True once [DONE], an error, or the end of the body has been handled. */
  readonly done: boolean;
  readonly started: boolean;
  readonly open: OpenBlock | undefined;
  /** The next canonical block index: dense, in start order. */
  readonly nextIndex: number;
  /** Upstream tool-call keys already started, in order. */
  readonly toolKeys: readonly string[];
  /** `finish_reason` arrives before the usage chunk, so it waits here until [DONE]. */
  readonly finishSeen: boolean;
  readonly finishRaw: string | undefined;
}

export type DecoderInput = { type: 'event'; event: SseEvent } | { type: 'end' };

export interface DecoderStep {
  state: DecoderState;
  output: ChatEvent[];
  /** The chunk this step parsed, when it was a chunk the step applied. */
  parsed?: WireRecord;
}

type Ids = Pick<DialectDependencies, 'newId'>;

export const initialDecoderState: DecoderState = {
  done: false,
  started: false,
  open: undefined,
  nextIndex: 0,
  toolKeys: [],
  finishSeen: false,
  finishRaw: undefined,
};

/**
 * OpenAI SSE → canonical events (docs/wire-formats.md §1.3, §1.7, §3.5). Never throws: whatever the
 * upstream sends ends either in `response-end` or in one `error` event.
 */
export function stepDecoder(state: DecoderState, input: DecoderInput, ids: Ids): DecoderStep {
  if (state.done) return { state, output: [] };
  if (input.type === 'end') return endOfBody(state);
  const data = input.event.data.trim();
  if (data === '') return { state, output: [] };
  if (data === '[DONE]') return complete(new Draft(state), ids);
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return fail(state, new GatewayError('upstream_error', 'malformed chunk from upstream'));
  }
  if (!isRecord(chunk)) return fail(state, new GatewayError('upstream_error', 'malformed chunk from upstream'));
  if ((chunk.error !== undefined && chunk.error !== null) || input.event.event === 'error') {
    return fail(state, errorFromUpstreamPayload(chunk));
  }
  return applyChunk(new Draft(state), chunk, ids);
}

function applyChunk(draft: Draft, chunk: WireRecord, ids: Ids): DecoderStep {
  if (!draft.started) {
    draft.started = true;
    // Azure's first chunk has `id: ""` and `model: ""` (prompt filter results only).
    draft.emit({ type: 'response-start', id: nonEmptyString(chunk.id) ?? ids.newId('chatcmpl-'), model: nonEmptyString(chunk.model) ?? '' });
  }
  const choice = firstChoice(chunk.choices);
  if (choice !== undefined) {
    const delta = recordOf(choice.delta);
    // DeepSeek, vLLM and llama.cpp say `reasoning_content`; OpenRouter and newer vLLM say `reasoning`.
    const reasoning = nonEmptyString(delta.reasoning_content) ?? nonEmptyString(delta.reasoning);
    if (reasoning !== undefined) draft.appendText('reasoning', reasoning);
    const content = nonEmptyString(delta.content);
    if (content !== undefined) draft.appendText('text', content);
    const refusal = nonEmptyString(delta.refusal);
    if (refusal !== undefined) draft.appendText('text', refusal);
    // Content first, then tool calls: a chunk may carry both (BerriAI/litellm#18238).
    if (Array.isArray(delta.tool_calls)) {
      for (const fragment of delta.tool_calls) {
        const error = draft.appendToolFragment(recordOf(fragment), ids);
        if (error !== undefined) return fail(draft.state(), error);
      }
    }
    const finishReason = nonEmptyString(choice.finish_reason);
    if (finishReason !== undefined) {
      draft.finishSeen = true;
      draft.finishRaw = finishReason;
      draft.closeOpen();
    }
  }
  // Usage decides the usage chunk, not empty choices (Azure's first chunk also has `choices: []`);
  // Groq and DeepSeek put it on the finish chunk. llama.cpp's extra `timings` is ignored.
  if (isRecord(chunk.usage)) draft.emit({ type: 'usage', usage: usageFromWire(chunk.usage) });
  return { state: draft.state(), output: draft.output, parsed: chunk };
}

/** `[DONE]`: the answer is complete even when the upstream never sent a finish_reason. */
function complete(draft: Draft, ids: Ids): DecoderStep {
  if (!draft.started) {
    draft.started = true;
    draft.emit({ type: 'response-start', id: ids.newId('chatcmpl-'), model: '' });
  }
  draft.closeOpen();
  draft.emit({ type: 'response-end', finishReason: finishReasonFromWire(draft.finishRaw, draft.toolKeys.length > 0) });
  draft.done = true;
  return { state: draft.state(), output: draft.output };
}

/** Some servers close the body right after the usage chunk without `[DONE]`: accept that, nothing less. */
function endOfBody(state: DecoderState): DecoderStep {
  if (!state.finishSeen) return fail(state, new GatewayError('upstream_error', 'upstream stream ended before completion'));
  const draft = new Draft(state);
  draft.closeOpen();
  draft.emit({ type: 'response-end', finishReason: finishReasonFromWire(draft.finishRaw, draft.toolKeys.length > 0) });
  draft.done = true;
  return { state: draft.state(), output: draft.output };
}

function fail(state: DecoderState, error: GatewayError): DecoderStep {
  return { state: { ...state, done: true }, output: [{ type: 'error', error }] };
}

/** The choice Auxot answers with; other choices only appear when a caller forced `n` upstream. */
function firstChoice(choices: unknown): WireRecord | undefined {
  if (!Array.isArray(choices)) return undefined;
  const choice: unknown = choices.find((item) => recordOf(item).index === 0 || recordOf(item).index === undefined);
  return isRecord(choice) ? choice : undefined;
}

/** A working copy of the state for one step; the step returns a fresh state, never mutating its input. */
class Draft {
  done: boolean;
  started: boolean;
  open: OpenBlock | undefined;
  nextIndex: number;
  toolKeys: string[];
  finishSeen: boolean;
  finishRaw: string | undefined;
  readonly output: ChatEvent[] = [];

  constructor(state: DecoderState) {
    this.done = state.done;
    this.started = state.started;
    this.open = state.open;
    this.nextIndex = state.nextIndex;
    this.toolKeys = [...state.toolKeys];
    this.finishSeen = state.finishSeen;
    this.finishRaw = state.finishRaw;
  }

  state(): DecoderState {
    const { done, started, open, nextIndex, toolKeys, finishSeen, finishRaw } = this;
    return { done, started, open, nextIndex, toolKeys, finishSeen, finishRaw };
  }

  emit(event: ChatEvent): void {
    this.output.push(event);
  }

  closeOpen(): void {
    if (this.open === undefined) return;
    this.emit({ type: `${this.open.kind}-end`, index: this.open.index });
    this.open = undefined;
  }

  appendText(kind: 'text' | 'reasoning', text: string): void {
    if (this.open?.kind !== kind) {
      this.closeOpen();
      this.open = { kind, index: this.nextIndex++ };
      this.emit({ type: `${kind}-start`, index: this.open.index });
    }
    this.emit({ type: `${kind}-delta`, index: this.open.index, text });
  }

  /**
   * Fragments are keyed by the upstream `index`. A call may arrive whole in one fragment, and later
   * fragments may repeat its id and name (llama.cpp#12379); both are fine. Old Ollama builds omit
   * `index`, so a new `id` then marks a new call.
   */
  appendToolFragment(fragment: WireRecord, ids: Ids): GatewayError | undefined {
    const fn = recordOf(fragment.function);
    const id = nonEmptyString(fragment.id);
    const argumentsJson = typeof fn.arguments === 'string' ? fn.arguments : '';
    const open = this.open?.kind === 'tool-call' ? this.open : undefined;
    const toolKey = this.toolKeyOf(fragment, id, open);
    if (open !== undefined && open.toolKey === toolKey) {
      if (argumentsJson !== '') this.emit({ type: 'tool-call-delta', index: open.index, argumentsJson });
      return undefined;
    }
    if (this.toolKeys.includes(toolKey)) {
      // Canonical blocks never reopen; appending elsewhere would corrupt another call's arguments.
      return new GatewayError('upstream_error', `upstream resumed tool call ${toolKey} after other output`);
    }
    this.closeOpen();
    const started: OpenBlock = { kind: 'tool-call', index: this.nextIndex++, toolKey, callId: id ?? ids.newId('call_') };
    this.open = started;
    this.toolKeys.push(toolKey);
    this.emit({ type: 'tool-call-start', index: started.index, callId: started.callId, name: nonEmptyString(fn.name) ?? '' });
    if (argumentsJson !== '') this.emit({ type: 'tool-call-delta', index: started.index, argumentsJson });
    return undefined;
  }

  private toolKeyOf(fragment: WireRecord, id: string | undefined, open: { toolKey: string; callId: string } | undefined): string {
    if (typeof fragment.index === 'number') return `#${fragment.index}`;
    if (id !== undefined && id !== open?.callId) return `id:${id}`;
    return open?.toolKey ?? `#auto${this.toolKeys.length}`;
  }
}

/**
 * The stateful decoder the Dialect hands out: a shell around `stepDecoder` that reads the plain
 * text chunks of an open text block through a learned template (content-delta-template.ts).
 */
export function createStreamDecoder(ids: Ids): StreamDecoder {
  let state = initialDecoderState;
  let template: ContentDeltaTemplate | undefined;
  const run = (input: DecoderInput): ChatEvent[] => {
    const step = stepDecoder(state, input, ids);
    state = step.state;
    return step.output;
  };
  const push = (event: SseEvent): ChatEvent[] => {
    const open = state.open;
    if (event.event !== undefined || state.done || open?.kind !== 'text') return run({ type: 'event', event });
    const data = event.data.trim();
    const text = template?.match(data);
    // An empty content is padding: the full decoder emits nothing for it either.
    if (text !== undefined) return text === '' ? [] : [{ type: 'text-delta', index: open.index, text }];
    const step = stepDecoder(state, { type: 'event', event }, ids);
    state = step.state;
    if (step.parsed !== undefined && state.open === open && step.output.length === 1) template = ContentDeltaTemplate.learn(data, step.parsed) ?? template;
    return step.output;
  };
  return {
    push,
    end: () => run({ type: 'end' }),
    get done() {
      return state.done;
    },
  };
}
