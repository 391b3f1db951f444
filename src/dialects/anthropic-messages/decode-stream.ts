import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import type { StreamDecoder } from '../dialect.js';
import { LearnedTextTemplate } from '../sse/learned-text-template.js';
import type { SseEvent } from '../sse/sse-event.js';
import { closeBlock, startBlock, stepBlockDelta, type OpenBlock } from './decode-stream-blocks.js';
import { errorFromWire, malformedEvent as malformed } from './errors.js';
import { checkUpstream, parseUpstream } from './parse-wire.js';
import { isMessageDelta, isMessageStart } from './stream-guards.js';
import { finishFromWire } from './stop-reason.js';
import { errorEventSchema, messageDeltaSchema, messageStartSchema } from './stream-schema.js';
import { inputUsageFromWire, usageFromWire } from './usage.js';

/**
 * Upstream Anthropic SSE → canonical events, as a pure state machine.
 *
 * Block types the canonical model does not carry (server_tool_use, web_search_tool_result, …) are
 * skipped with their deltas, and the remaining blocks are renumbered so canonical indices stay
 * dense (0, 1, 2) whatever Anthropic's indices were.
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 */
export interface DecodeState {
  readonly phase: 'before-start' | 'streaming' | 'done';
  /** Open blocks by Anthropic index. */
  readonly blocks: ReadonlyMap<number, OpenBlock>;
  /** The canonical index the next kept block gets. */
  readonly nextIndex: number;
  readonly stopReason: string | undefined;
  readonly stopSequence: string | undefined;
}

export const initialDecodeState: DecodeState = {
  phase: 'before-start',
  blocks: new Map(),
  nextIndex: 0,
  stopReason: undefined,
  stopSequence: undefined,
};

export interface DecodeStep {
  state: DecodeState;
  events: ChatEvent[];
}

/** Applies one SSE event. Never throws: anything malformed becomes an `error` event and ends the stream. */
export function stepDecode(state: DecodeState, input: SseEvent): DecodeStep {
  // A keep-alive ping needs no parsing, whatever a proxy put in its data.
  if (state.phase === 'done' || input.event === 'ping') return { state, events: [] };
  let data: unknown;
  try {
    data = JSON.parse(input.data);
  } catch {
    return fail(state, malformed('data is not JSON'));
  }
  if (!isJsonObject(data)) return fail(state, malformed('data is not a JSON object'));
  // The event name is authoritative; the data's own `type` covers servers that omit `event:` lines.
  const type = input.event ?? (typeof data.type === 'string' ? data.type : undefined);
  try {
    return dispatch(state, type, data);
  } catch (error) {
    return fail(state, error instanceof GatewayError ? error : malformed(String(error)));
  }
}

/** The stream ended: fine after message_stop or an error, a failure otherwise. */
export function endDecode(state: DecodeState): DecodeStep {
  if (state.phase === 'done') return { state, events: [] };
  return fail(state, new GatewayError('upstream_error', 'upstream stream ended before message_stop'));
}

function dispatch(state: DecodeState, type: string | undefined, data: JsonObject): DecodeStep {
  switch (type) {
    case 'ping':
      return { state, events: [] };
    case 'error': {
      const { error } = parseUpstream(errorEventSchema, data, ['error']);
      return fail(state, errorFromWire(error?.type ?? undefined, error?.message ?? 'Upstream stream error'));
    }
    case 'message_start':
      return messageStart(state, data);
    case 'content_block_start':
    case 'content_block_delta':
    case 'content_block_stop':
    case 'message_delta':
    case 'message_stop':
      if (state.phase === 'before-start') throw malformed(`${type} before message_start`);
      return streaming(state, type, data);
    default:
      // Anthropic adds event types over time; unknown ones carry nothing we could use.
      return { state, events: [] };
  }
}

function streaming(
  state: DecodeState,
  type: 'content_block_start' | 'content_block_delta' | 'content_block_stop' | 'message_delta' | 'message_stop',
  data: JsonObject,
): DecodeStep {
  switch (type) {
    case 'content_block_start':
      return startBlock(state, data);
    case 'content_block_delta':
      return stepBlockDelta(state, data);
    case 'content_block_stop':
      return closeBlock(state, data);
    case 'message_delta':
      return messageDelta(state, data);
    case 'message_stop':
      return messageStop(state);
  }
}

function messageStart(state: DecodeState, data: JsonObject): DecodeStep {
  if (state.phase !== 'before-start') throw malformed('a second message_start');
  const { message } = checkUpstream(isMessageStart, messageStartSchema, data, ['message_start']);
  const usage = message.usage == null ? {} : inputUsageFromWire(message.usage);
  const events: ChatEvent[] = [{ type: 'response-start', id: message.id, model: message.model }];
  if (Object.keys(usage).length > 0) events.push({ type: 'usage', usage });
  return { state: { ...state, phase: 'streaming' }, events };
}

function messageDelta(state: DecodeState, data: JsonObject): DecodeStep {
  const { delta, usage } = checkUpstream(isMessageDelta, messageDeltaSchema, data, ['message_delta']);
  const next: DecodeState = {
    ...state,
    stopReason: delta?.stop_reason ?? state.stopReason,
    stopSequence: delta?.stop_sequence ?? state.stopSequence,
  };
  const update = usage == null ? {} : usageFromWire(usage);
  return { state: next, events: Object.keys(update).length > 0 ? [{ type: 'usage', usage: update }] : [] };
}

/** Blocks still open at message_stop are closed first, so every block keeps its start → end shape. */
function messageStop(state: DecodeState): DecodeStep {
  const events: ChatEvent[] = [];
  let current = state;
  for (const anthropicIndex of [...state.blocks.keys()].sort((a, b) => a - b)) {
    const closed = closeBlock(current, { index: anthropicIndex });
    current = closed.state;
    events.push(...closed.events);
  }
  const stop = finishFromWire(state.stopReason, state.stopSequence);
  events.push({ type: 'response-end', ...stop });
  return { state: { ...current, phase: 'done' }, events };
}

function fail(state: DecodeState, error: GatewayError): DecodeStep {
  return { state: { ...state, phase: 'done' }, events: [{ type: 'error', error }] };
}

const TEXT_KEY_BEFORE_VALUE = /"text"\s*:\s*"$/;

/**
 * The stateful wrapper the Dialect hands out: one per upstream stream. The bulk of a long answer
 * is `content_block_delta` events that differ only in their text; after the full decoder has read
 * one, the rest of that block's are read through a learned template instead of `JSON.parse`
 * (learned-text-template.ts; decode-stream.test.ts holds the two paths to the same events).
 */
export function createAnthropicStreamDecoder(): StreamDecoder {
  let state = initialDecodeState;
  let learned: { template: LearnedTextTemplate; index: number } | undefined;
  const blockIsOpen = (index: number): boolean => {
    for (const block of state.blocks.values()) if (block.kind === 'text' && block.index === index) return true;
    return false;
  };
  return {
    push(event: SseEvent): ChatEvent[] {
      const delta = event.event === 'content_block_delta' && state.phase === 'streaming';
      if (delta && learned !== undefined) {
        const text = learned.template.match(event.data);
        if (text !== undefined && blockIsOpen(learned.index)) return [{ type: 'text-delta', index: learned.index, text }];
      }
      const step = stepDecode(state, event);
      state = step.state;
      const [only] = step.events;
      if (delta && step.events.length === 1 && only?.type === 'text-delta') {
        const template = LearnedTextTemplate.learn(event.data, only.text, TEXT_KEY_BEFORE_VALUE);
        if (template !== undefined) learned = { template, index: only.index };
      }
      return step.events;
    },
    end(): ChatEvent[] {
      const step = endDecode(state);
      state = step.state;
      return step.events;
    },
    get done(): boolean {
      return state.phase === 'done';
    },
  };
}
