import { fragment, type ResolvedTurn } from './resolved-turn.js';
import type { ScriptedFinish } from './types.js';

/**
 * Anthropic Messages bodies, written the way api.anthropic.com writes them.
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 * Event order and spacing follow anthropic-sdk-typescript `tests/lib/fixtures/tool_use_response.txt`.
 */

export function anthropicSseEvent(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

/** The real API pads the ping's JSON with a space after the colon; passthrough code must not "fix" it. */
export const ANTHROPIC_PING = anthropicSseEvent('ping', '{"type": "ping"}');

export function anthropicStopReason(finish: ScriptedFinish): string {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
  }
}

/** Every event of a streamed answer, from `message_start` to `message_stop`. */
export function anthropicStreamEvents(turn: ResolvedTurn): string[] {
  const event = (data: { type: string } & Record<string, unknown>): string =>
    anthropicSseEvent(data.type, JSON.stringify(data));
  const blocks = blockEvents(turn).map((block, index) => [
    event({ type: 'content_block_start', index, content_block: block.start }),
    ...block.deltas.map((delta) => event({ type: 'content_block_delta', index, delta })),
    event({ type: 'content_block_stop', index }),
  ]);
  const messageStart = event({
    type: 'message_start',
    message: {
      id: turn.id,
      type: 'message',
      role: 'assistant',
      model: turn.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: turn.usage.input,
        cache_creation_input_tokens: turn.usage.cacheWrite,
        cache_read_input_tokens: turn.usage.cacheRead,
        output_tokens: 1,
        service_tier: 'standard',
      },
    },
  });
  const [firstBlock, ...otherBlocks] = blocks;
  // The API sends its first ping right after the first content_block_start.
  const opening =
    firstBlock === undefined
      ? [messageStart, ANTHROPIC_PING]
      : [messageStart, ...firstBlock.slice(0, 1), ANTHROPIC_PING, ...firstBlock.slice(1)];
  return [
    ...opening,
    ...otherBlocks.flat(),
    event({
      type: 'message_delta',
      delta: { stop_reason: anthropicStopReason(turn.finish), stop_sequence: null },
      usage: { output_tokens: turn.usage.output },
    }),
    event({ type: 'message_stop' }),
  ];
}

/** The non-streaming message object. */
export function anthropicMessage(turn: ResolvedTurn): Record<string, unknown> {
  const content: Array<Record<string, unknown>> = [];
  if (turn.reasoning !== undefined) {
    content.push({ type: 'thinking', thinking: turn.reasoning, signature: turn.reasoningSignature });
  }
  if (turn.text !== undefined) content.push({ type: 'text', text: turn.text });
  for (const call of turn.toolCalls) {
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call.name, call.arguments) });
  }
  return {
    id: turn.id,
    type: 'message',
    role: 'assistant',
    model: turn.model,
    content,
    stop_reason: anthropicStopReason(turn.finish),
    stop_sequence: null,
    usage: {
      input_tokens: turn.usage.input,
      cache_creation_input_tokens: turn.usage.cacheWrite,
      cache_read_input_tokens: turn.usage.cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: turn.usage.cacheWrite, ephemeral_1h_input_tokens: 0 },
      output_tokens: turn.usage.output,
      service_tier: 'standard',
    },
  };
}

/** Thrown when a script asks for a non-streaming tool_use whose arguments are not a JSON object. */
export class InvalidScriptError extends Error {}

function parseToolInput(name: string, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new InvalidScriptError(`mock script: arguments of tool call "${name}" are not valid JSON: ${json}`);
  }
}

interface BlockEvents {
  start: Record<string, unknown>;
  deltas: Array<Record<string, unknown>>;
}

function blockEvents(turn: ResolvedTurn): BlockEvents[] {
  const size = turn.fragmentChars;
  const blocks: BlockEvents[] = [];
  if (turn.reasoning !== undefined) {
    blocks.push({
      start: { type: 'thinking', thinking: '', signature: '' },
      deltas: [
        ...fragment(turn.reasoning, size).map((thinking) => ({ type: 'thinking_delta', thinking })),
        { type: 'signature_delta', signature: turn.reasoningSignature },
      ],
    });
  }
  if (turn.text !== undefined) {
    blocks.push({
      start: { type: 'text', text: '' },
      deltas: fragment(turn.text, size).map((text) => ({ type: 'text_delta', text })),
    });
  }
  for (const call of turn.toolCalls) {
    // The API opens every tool_use block with an empty input_json_delta before the fragments.
    const pieces = ['', ...fragment(call.arguments, size)];
    blocks.push({
      start: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      deltas: pieces.map((partial_json) => ({ type: 'input_json_delta', partial_json })),
    });
  }
  return blocks;
}
