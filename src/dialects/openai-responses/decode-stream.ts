import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { DialectDependencies, StreamDecoder } from '../dialect.js';
import { isRecord, nonEmptyString, recordOf, type WireRecord } from '../openai-chat/wire-values.js';
import type { SseEvent } from '../sse/sse-event.js';
import { finishReasonFromStatus } from './status.js';
import { flatToolName } from './tool-names.js';
import { usageFromWire } from './usage.js';

/** The canonical block open now, tied to the upstream item (and content part) it came from. */
type OpenBlock =
  | { kind: 'text'; index: number; itemId: string; part: number; sawDelta: boolean }
  | { kind: 'reasoning'; index: number; itemId: string; part: number; sawDelta: boolean }
  | { kind: 'tool-call'; index: number; itemId: string; sawArguments: boolean };

export interface DecoderState {
  readonly done: boolean;
  readonly started: boolean;
  readonly open: OpenBlock | undefined;
  readonly nextIndex: number;
  readonly sawToolCall: boolean;
}

export type DecoderInput = { type: 'event'; event: SseEvent } | { type: 'end' };

export interface DecoderStep {
  state: DecoderState;
  output: ChatEvent[];
}

type Ids = Pick<DialectDependencies, 'newId'>;

export const initialDecoderState: DecoderState = { done: false, started: false, open: undefined, nextIndex: 0, sawToolCall: false };

/**
 * A Responses event stream → canonical events (what same-dialect passthrough meters). Never throws:
 * the stream ends in `response-end` or one `error` event, and a stream that closes before its
 * terminal event is a failure. Arguments and texts are taken from the deltas or, when an upstream
 * sent none, from the `.done` events and finished items (BerriAI/litellm#25321).
 */
export function stepDecoder(state: DecoderState, input: DecoderInput, ids: Ids): DecoderStep {
  if (state.done) return { state, output: [] };
  if (input.type === 'end') return fail(state, new GatewayError('upstream_error', 'upstream stream ended before response.completed'));
  const data = input.event.data.trim();
  if (data === '' || data === '[DONE]') return { state, output: [] };
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return fail(state, new GatewayError('upstream_error', 'malformed event from upstream'));
  }
  if (!isRecord(payload)) return fail(state, new GatewayError('upstream_error', 'malformed event from upstream'));
  const draft = new Draft(state);
  const type = nonEmptyString(payload.type) ?? input.event.event ?? '';
  const error = draft.apply(type, payload, ids);
  if (error !== undefined) return fail(draft.state(), error);
  return { state: draft.state(), output: draft.output };
}

function fail(state: DecoderState, error: GatewayError): DecoderStep {
  return { state: { ...state, done: true }, output: [{ type: 'error', error }] };
}

class Draft {
  done: boolean;
  started: boolean;
  open: OpenBlock | undefined;
  nextIndex: number;
  sawToolCall: boolean;
  readonly output: ChatEvent[] = [];

  constructor(state: DecoderState) {
    this.done = state.done;
    this.started = state.started;
    this.open = state.open;
    this.nextIndex = state.nextIndex;
    this.sawToolCall = state.sawToolCall;
  }

  state(): DecoderState {
    const { done, started, open, nextIndex, sawToolCall } = this;
    return { done, started, open, nextIndex, sawToolCall };
  }

  apply(type: string, event: WireRecord, ids: Ids): GatewayError | undefined {
    if (type === 'error') return errorFrom(recordOf(event.error).message === undefined ? event : recordOf(event.error));
    if (!this.started) this.start(recordOf(event.response), ids);
    const itemId = nonEmptyString(event.item_id) ?? '';
    switch (type) {
      case 'response.output_item.added':
        this.itemAdded(recordOf(event.item), ids);
        return undefined;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.appendText('text', itemId, numberOf(event.content_index), stringOf(event.delta));
        return undefined;
      case 'response.reasoning_summary_text.delta':
        this.appendText('reasoning', itemId, numberOf(event.summary_index), stringOf(event.delta));
        return undefined;
      case 'response.reasoning_text.delta':
        this.appendText('reasoning', itemId, 1000 + numberOf(event.content_index), stringOf(event.delta));
        return undefined;
      case 'response.function_call_arguments.delta':
        this.appendArguments(itemId, stringOf(event.delta));
        return undefined;
      case 'response.function_call_arguments.done':
        if (this.open?.kind === 'tool-call' && this.open.itemId === itemId && !this.open.sawArguments) this.appendArguments(itemId, stringOf(event.arguments));
        return undefined;
      case 'response.output_item.done':
        this.itemDone(recordOf(event.item));
        return undefined;
      case 'response.completed':
      case 'response.incomplete':
        this.complete(recordOf(event.response));
        return undefined;
      case 'response.failed':
        return errorFrom(recordOf(recordOf(event.response).error));
      default:
        return undefined;
    }
  }

  private emit(event: ChatEvent): void {
    this.output.push(event);
  }

  private start(response: WireRecord, ids: Ids): void {
    this.started = true;
    this.emit({ type: 'response-start', id: nonEmptyString(response.id) ?? ids.newId('resp_'), model: nonEmptyString(response.model) ?? '' });
  }

  private closeOpen(signature?: string): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    if (open.kind === 'reasoning') this.emit({ type: 'reasoning-end', index: open.index, ...(signature === undefined ? {} : { signature }) });
    else this.emit({ type: `${open.kind}-end`, index: open.index });
  }

  private itemAdded(item: WireRecord, ids: Ids): void {
    const itemId = nonEmptyString(item.id) ?? '';
    if (item.type === 'function_call') {
      this.closeOpen();
      this.sawToolCall = true;
      const name = flatToolName(nonEmptyString(item.namespace), stringOf(item.name));
      const index = this.nextIndex++;
      this.open = { kind: 'tool-call', index, itemId, sawArguments: false };
      this.emit({ type: 'tool-call-start', index, callId: nonEmptyString(item.call_id) ?? ids.newId('call_'), name });
      this.appendArguments(itemId, stringOf(item.arguments));
    } else if (item.type === 'reasoning') {
      this.openBlock('reasoning', itemId, 0);
    }
  }

  private openBlock(kind: 'text' | 'reasoning', itemId: string, part: number): void {
    this.closeOpen();
    const index = this.nextIndex++;
    this.open = { kind, index, itemId, part, sawDelta: false };
    this.emit({ type: `${kind}-start`, index });
  }

  private appendText(kind: 'text' | 'reasoning', itemId: string, part: number, text: string): void {
    const open = this.open;
    if (open?.kind !== kind || open.itemId !== itemId) {
      this.openBlock(kind, itemId, part);
    } else if (open.part !== part) {
      // A second summary part of one reasoning item continues the same block, as a new paragraph.
      this.open = { ...open, part };
      if (open.sawDelta && kind === 'reasoning') this.emit({ type: 'reasoning-delta', index: open.index, text: '\n\n' });
    }
    if (text === '') return;
    const current = this.open as Extract<OpenBlock, { kind: 'text' | 'reasoning' }>;
    this.open = { ...current, sawDelta: true };
    this.emit({ type: `${kind}-delta`, index: current.index, text });
  }

  private appendArguments(itemId: string, argumentsJson: string): void {
    const open = this.open;
    if (open?.kind !== 'tool-call' || open.itemId !== itemId || argumentsJson === '') return;
    this.open = { ...open, sawArguments: true };
    this.emit({ type: 'tool-call-delta', index: open.index, argumentsJson });
  }

  /** A finished item: whatever its deltas did not carry is taken from the item itself. */
  private itemDone(item: WireRecord): void {
    const itemId = nonEmptyString(item.id) ?? '';
    const open = this.open?.itemId === itemId ? this.open : undefined;
    if (item.type === 'function_call') {
      if (open?.kind === 'tool-call' && !open.sawArguments) this.appendArguments(itemId, stringOf(item.arguments));
      if (open !== undefined) this.closeOpen();
    } else if (item.type === 'reasoning') {
      if (open?.kind === 'reasoning' && !open.sawDelta) {
        const summary = Array.isArray(item.summary) ? item.summary.map((part) => stringOf(recordOf(part).text)).join('\n\n') : '';
        this.appendText('reasoning', itemId, 0, summary);
      }
      if (this.open?.itemId === itemId) this.closeOpen(nonEmptyString(item.encrypted_content));
    } else if (item.type === 'message') {
      if (open === undefined) {
        const text = Array.isArray(item.content) ? item.content.map((part) => stringOf(recordOf(part).text) || stringOf(recordOf(part).refusal)).join('') : '';
        if (text !== '') this.appendText('text', itemId, 0, text);
      }
      if (this.open?.itemId === itemId) this.closeOpen();
    }
  }

  private complete(response: WireRecord): void {
    this.closeOpen();
    if (isRecord(response.usage)) this.emit({ type: 'usage', usage: usageFromWire(response.usage) });
    const status = nonEmptyString(response.status);
    const reason = nonEmptyString(recordOf(response.incomplete_details).reason);
    this.emit({ type: 'response-end', finishReason: finishReasonFromStatus(status, reason, this.sawToolCall) });
    this.done = true;
  }
}

/** A failed response or an `error` event, classified so the router sees a rate limit for what it is. */
function errorFrom(error: WireRecord): GatewayError {
  const message = nonEmptyString(error.message) ?? 'The upstream reported an error';
  const code = stringOf(error.code).toLowerCase();
  if (code.includes('rate_limit')) return new GatewayError('rate_limited', message);
  if (code.includes('overloaded')) return new GatewayError('overloaded', message);
  return new GatewayError('upstream_error', message);
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

export function createStreamDecoder(ids: Ids): StreamDecoder {
  let state = initialDecoderState;
  const run = (input: DecoderInput): ChatEvent[] => {
    const step = stepDecoder(state, input, ids);
    state = step.state;
    return step.output;
  };
  return {
    push: (event) => run({ type: 'event', event }),
    end: () => run({ type: 'end' }),
    get done() {
      return state.done;
    },
  };
}
