import { fragment, type ResolvedToolCall, type ResolvedTurn } from './resolved-turn.js';

/**
 * OpenAI Chat Completions bodies, written the way api.openai.com writes them.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 * The chunk sequence follows the recordings in openai-node `tests/lib/__snapshots__/ChatCompletionStream.test.ts.snap`.
 */

const SYSTEM_FINGERPRINT = 'fp_mock';

type Delta = Record<string, unknown>;

export function openaiSseEvent(data: string): string {
  return `data: ${data}\n\n`;
}

/** Every event of a streamed answer, in order, ending with `data: [DONE]`. */
export function openaiStreamEvents(turn: ResolvedTurn, includeUsage: boolean): string[] {
  const chunk = (delta: Delta, finishReason: string | null): string => {
    const choice = { index: 0, delta, logprobs: null, finish_reason: finishReason };
    const body = { ...chunkHeader(turn), choices: [choice], ...(includeUsage ? { usage: null } : {}) };
    return openaiSseEvent(JSON.stringify(body));
  };
  const events: string[] = [];
  const pending = [...turn.toolCalls];
  // OpenAI puts the first tool call in the role chunk when the answer opens with it.
  const opensWithToolCall = !turn.reasoning && !turn.text && pending.length > 0;
  const first = opensWithToolCall ? pending.shift() : undefined;
  if (first === undefined) {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
  } else {
    const roleDelta = { role: 'assistant', content: null, tool_calls: [toolCallStart(first, 0)], refusal: null };
    events.push(chunk(roleDelta, null));
    events.push(...argumentChunks(first, 0, turn.fragmentChars).map((delta) => chunk(delta, null)));
  }
  for (const piece of fragment(turn.reasoning ?? '', turn.fragmentChars)) {
    events.push(chunk({ reasoning_content: piece }, null));
  }
  for (const piece of fragment(turn.text ?? '', turn.fragmentChars)) {
    events.push(chunk({ content: piece }, null));
  }
  const offset = first === undefined ? 0 : 1;
  pending.forEach((call, position) => {
    const index = position + offset;
    events.push(chunk({ tool_calls: [toolCallStart(call, index)] }, null));
    events.push(...argumentChunks(call, index, turn.fragmentChars).map((delta) => chunk(delta, null)));
  });
  events.push(chunk({}, turn.finish));
  if (includeUsage) {
    events.push(openaiSseEvent(JSON.stringify({ ...chunkHeader(turn), choices: [], usage: openaiUsage(turn) })));
  }
  events.push(openaiSseEvent('[DONE]'));
  return events;
}

/** The non-streaming `chat.completion` object. */
export function openaiCompletion(turn: ResolvedTurn): Record<string, unknown> {
  const hasToolCalls = turn.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: turn.text ?? (hasToolCalls ? null : ''),
    ...(turn.reasoning === undefined ? {} : { reasoning_content: turn.reasoning }),
    refusal: null,
    annotations: [],
  };
  if (hasToolCalls) {
    message['tool_calls'] = turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: turn.id,
    object: 'chat.completion',
    created: turn.created,
    model: turn.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: turn.finish }],
    usage: openaiUsage(turn),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * `prompt_tokens` includes cached tokens (cached_tokens is a subset). `cache_write_tokens` is only
 * reported when scripted, as OpenAI only reports it for newer models.
 */
export function openaiUsage(turn: ResolvedTurn): Record<string, unknown> {
  const { input, output, cacheRead, cacheWrite, reasoning } = turn.usage;
  const promptTokens = input + cacheRead + cacheWrite;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: output,
    total_tokens: promptTokens + output,
    prompt_tokens_details: {
      cached_tokens: cacheRead,
      audio_tokens: 0,
      ...(cacheWrite > 0 ? { cache_write_tokens: cacheWrite } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chunkHeader(turn: ResolvedTurn): Record<string, unknown> {
  return {
    id: turn.id,
    object: 'chat.completion.chunk',
    created: turn.created,
    model: turn.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

function toolCallStart(call: ResolvedToolCall, index: number): Record<string, unknown> {
  return { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
}

function argumentChunks(call: ResolvedToolCall, index: number, size: number): Delta[] {
  return fragment(call.arguments, size).map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] }));
}
