import type { ChatEvent, FinishReason } from '../../canonical/chat-event.js';
import type { ChatRequest } from '../../canonical/chat-request.js';
import type { GatewayError } from '../../canonical/gateway-error.js';
import type { JsonObject } from '../../canonical/json.js';
import { emptyUsage, mergeUsage, type Usage } from '../../canonical/usage.js';
import type { DialectDependencies, StreamEncoder } from '../dialect.js';
import { formatSse } from '../sse/sse-event.js';
import { errorEventData, responseErrorCode } from './errors.js';
import { functionCallItem, messageItem, outputTextPart, reasoningItem } from './output-items.js';
import { responseContext, responseObject, type ResponseContext } from './response-object.js';
import { statusFor } from './status.js';
import { usageToWire } from './usage.js';

/** The output item being streamed: one canonical block is one item. */
type OpenItem =
  | { kind: 'message'; itemId: string; outputIndex: number; text: string }
  | { kind: 'reasoning'; itemId: string; outputIndex: number; text: string; summaryStarted: boolean }
  | { kind: 'function_call'; itemId: string; outputIndex: number; callId: string; name: string; argumentsJson: string };

export interface EncoderState {
  readonly phase: 'idle' | 'streaming' | 'closed';
  readonly context: ResponseContext;
  readonly model: string;
  readonly sequence: number;
  readonly open: OpenItem | undefined;
  /** Finished output items, for `output_item.done` order and the terminal Response. */
  readonly output: readonly JsonObject[];
  readonly usage: Usage;
}

export interface EncoderStep {
  state: EncoderState;
  output: string;
}

type Ids = Pick<DialectDependencies, 'newId'>;

export function initialEncoderState(request: ChatRequest, deps: DialectDependencies): EncoderState {
  return {
    phase: 'idle',
    context: responseContext(request, deps.newId('resp_'), deps.nowSeconds()),
    model: request.model,
    sequence: 0,
    open: undefined,
    output: [],
    usage: { ...emptyUsage },
  };
}

/**
 * Canonical events → the Responses event stream exactly as OpenAI sends it (docs/wire-formats.md
 * §5.2): `response.created`, `response.in_progress`, then per item `output_item.added`, its parts
 * and deltas, `output_item.done`, and one terminal event (`response.completed`, `.incomplete` or
 * `.failed`). Every event names its type in an `event:` line and carries a `sequence_number`;
 * Codex drops deltas that arrive without their item (docs/wire-formats.md §7).
 */
export function stepEncoder(state: EncoderState, event: ChatEvent, ids: Ids): EncoderStep {
  if (state.phase === 'closed') return { state, output: '' };
  const draft = new Draft(state, ids);
  if (draft.phase === 'idle') draft.start(event.type === 'response-start' ? event.model : '');
  draft.apply(event);
  return { state: draft.state(), output: draft.text };
}

/**
 * An out-of-band event: a `keepalive` (which OpenAI sends on long streams, undocumented) with the
 * data in an `auxot_<name>` field, numbered in sequence with the rest. The SDK's Responses
 * accumulator ignores `keepalive` and throws on any type it does not know (ResponseAccumulator.ts
 * in openai-node), so a type of our own would break `responses.stream()`.
 */
export function extensionStep(state: EncoderState, name: string, data: JsonObject, ids: Ids): EncoderStep {
  if (state.phase === 'closed') return { state, output: '' };
  const draft = new Draft(state, ids);
  if (draft.phase === 'idle') draft.start('');
  draft.emit('keepalive', { [`auxot_${name}`]: data });
  return { state: draft.state(), output: draft.text };
}

class Draft {
  phase: EncoderState['phase'];
  model: string;
  sequence: number;
  open: OpenItem | undefined;
  output: JsonObject[];
  usage: Usage;
  text = '';
  private readonly context: ResponseContext;

  constructor(
    state: EncoderState,
    private readonly ids: Ids,
  ) {
    this.phase = state.phase;
    this.context = state.context;
    this.model = state.model;
    this.sequence = state.sequence;
    this.open = state.open;
    this.output = state.output as JsonObject[];
    this.usage = state.usage;
  }

  state(): EncoderState {
    const { phase, context, model, sequence, open, output, usage } = this;
    return { phase, context, model, sequence, open, output, usage };
  }

  /** `response.created` and `response.in_progress`: the SDK's accumulator needs the first before anything. */
  start(model: string): void {
    if (model !== '') this.model = model;
    this.phase = 'streaming';
    const response = this.response({ status: 'in_progress', output: [], usage: null });
    this.emit('response.created', { response });
    this.emit('response.in_progress', { response });
  }

  emit(type: string, fields: JsonObject): void {
    this.text += formatSse(type, JSON.stringify({ type, sequence_number: this.sequence++, ...fields }));
  }

  response(state: Parameters<typeof responseObject>[1]): JsonObject {
    return responseObject({ ...this.context, model: this.model }, state);
  }

  apply(event: ChatEvent): void {
    switch (event.type) {
      case 'response-start':
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        if (event.type === 'reasoning-end') this.closeOpen(event.signature);
        else if (event.type !== 'response-start') this.closeOpen(undefined);
        return;
      case 'text-start':
        this.openMessage();
        return;
      case 'text-delta':
        if (this.open?.kind !== 'message') this.openMessage();
        this.appendText(event.text);
        return;
      case 'reasoning-start':
        this.openItem({ kind: 'reasoning', itemId: this.ids.newId('rs_'), outputIndex: this.output.length, text: '', summaryStarted: false });
        return;
      case 'reasoning-delta':
        if (this.open?.kind !== 'reasoning') this.apply({ type: 'reasoning-start', index: event.index });
        this.appendReasoning(event.text);
        return;
      case 'tool-call-start':
        this.openItem({ kind: 'function_call', itemId: this.ids.newId('fc_'), outputIndex: this.output.length, callId: event.callId, name: event.name, argumentsJson: '' });
        return;
      case 'tool-call-delta':
        this.appendArguments(event.argumentsJson);
        return;
      case 'usage':
        this.usage = mergeUsage(this.usage, event.usage);
        return;
      case 'response-end':
        this.closeOpen(undefined);
        this.finish(event.finishReason);
        return;
      case 'error':
        this.fail(event.error);
        return;
    }
  }

  private openMessage(): void {
    this.openItem({ kind: 'message', itemId: this.ids.newId('msg_'), outputIndex: this.output.length, text: '' });
    const open = this.open as Extract<OpenItem, { kind: 'message' }>;
    this.emit('response.content_part.added', { item_id: open.itemId, output_index: open.outputIndex, content_index: 0, part: outputTextPart('') });
  }

  private openItem(item: OpenItem): void {
    this.closeOpen(undefined);
    this.open = item;
    this.emit('response.output_item.added', { output_index: item.outputIndex, item: this.itemOf(item, 'in_progress', undefined) });
  }

  private appendText(text: string): void {
    const open = this.open;
    if (open?.kind !== 'message' || text === '') return;
    this.open = { ...open, text: open.text + text };
    this.emit('response.output_text.delta', { item_id: open.itemId, output_index: open.outputIndex, content_index: 0, delta: text, logprobs: [] });
  }

  private appendReasoning(text: string): void {
    const open = this.open;
    if (open?.kind !== 'reasoning' || text === '') return;
    const where = { item_id: open.itemId, output_index: open.outputIndex, summary_index: 0 };
    if (!open.summaryStarted) this.emit('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
    this.open = { ...open, text: open.text + text, summaryStarted: true };
    this.emit('response.reasoning_summary_text.delta', { ...where, delta: text });
  }

  private appendArguments(argumentsJson: string): void {
    const open = this.open;
    if (open?.kind !== 'function_call' || argumentsJson === '') return;
    this.open = { ...open, argumentsJson: open.argumentsJson + argumentsJson };
    this.emit('response.function_call_arguments.delta', { item_id: open.itemId, output_index: open.outputIndex, delta: argumentsJson });
  }

  private closeOpen(signature: string | undefined): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    const where = { item_id: open.itemId, output_index: open.outputIndex };
    switch (open.kind) {
      case 'message':
        this.emit('response.output_text.done', { ...where, content_index: 0, text: open.text, logprobs: [] });
        this.emit('response.content_part.done', { ...where, content_index: 0, part: outputTextPart(open.text) });
        break;
      case 'reasoning':
        if (open.summaryStarted) {
          this.emit('response.reasoning_summary_text.done', { ...where, summary_index: 0, text: open.text });
          this.emit('response.reasoning_summary_part.done', { ...where, summary_index: 0, part: { type: 'summary_text', text: open.text } });
        }
        break;
      case 'function_call':
        this.emit('response.function_call_arguments.done', { ...where, arguments: open.argumentsJson });
        break;
    }
    const item = this.itemOf(open, 'completed', signature);
    this.output = [...this.output, item];
    this.emit('response.output_item.done', { output_index: open.outputIndex, item });
  }

  private itemOf(open: OpenItem, status: 'in_progress' | 'completed', signature: string | undefined): JsonObject {
    switch (open.kind) {
      case 'message':
        return messageItem(open.itemId, status, status === 'completed' ? [outputTextPart(open.text)] : []);
      case 'reasoning':
        return reasoningItem(open.itemId, status === 'completed' && open.summaryStarted ? open.text : undefined, signature, this.context.includeEncryptedReasoning);
      case 'function_call':
        return functionCallItem(open.itemId, status, { callId: open.callId, flatName: open.name, argumentsJson: open.argumentsJson }, this.context.names);
    }
  }

  private finish(reason: FinishReason): void {
    const { status, incompleteDetails } = statusFor(reason);
    const usage = usageToWire(this.usage);
    this.phase = 'closed';
    if (status === 'failed') {
      const error = { code: 'server_error', message: 'The upstream model failed to answer' };
      this.emit('response.failed', { response: this.response({ status, output: this.output, usage, error }) });
      return;
    }
    const type = status === 'completed' ? 'response.completed' : 'response.incomplete';
    this.emit(type, { response: this.response({ status, output: this.output, usage, incompleteDetails }) });
  }

  /** After the first byte a failure is the `error` event, then the failed Response (never `completed`). */
  private fail(error: GatewayError): void {
    this.open = undefined;
    this.phase = 'closed';
    this.text += formatSse('error', JSON.stringify(errorEventData(error, this.sequence++)));
    const failure = { code: responseErrorCode(error.code), message: error.message };
    this.emit('response.failed', { response: this.response({ status: 'failed', output: this.output, usage: usageToWire(this.usage), error: failure }) });
  }
}

/** The stateful encoder the Dialect hands out: a thin shell around `stepEncoder`. */
export function createStreamEncoder(request: ChatRequest, deps: DialectDependencies): StreamEncoder {
  let state = initialEncoderState(request, deps);
  return {
    push(event) {
      const step = stepEncoder(state, event, deps);
      state = step.state;
      return step.output;
    },
    extension(name, data) {
      const step = extensionStep(state, name, data, deps);
      state = step.state;
      return step.output;
    },
  };
}
