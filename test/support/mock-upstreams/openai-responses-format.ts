import { fragment, isRecord, type ResolvedToolCall, type ResolvedTurn } from './resolved-turn.js';

/**
 * OpenAI Responses API bodies (`POST /v1/responses`), written the way api.openai.com writes them:
 * `event:` lines, a `sequence_number` on every event, the full item lifecycle, one terminal event.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 * The event order follows the recordings in openai-node `tests/lib/__snapshots__/ResponseStream.test.ts.snap`.
 * Written independently of `src/dialects/openai-responses` on purpose: this is what Auxot is checked against.
 */

type Fields = Record<string, unknown>;

export function responsesSseEvent(type: string, sequence: number, fields: Fields): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
}

/** The item ids one answer hands out (numbered by the mock's request counter). */
function itemIds(turn: ResolvedTurn): { reasoning: string; message: string; call(position: number): string } {
  const n = turn.id.replace(/^resp_/, '');
  return { reasoning: `rs_${n}`, message: `msg_${n}`, call: (position) => `fc_${n}_${position}` };
}

/** `length` is an incomplete answer cut at max_output_tokens; everything else completes. */
function terminal(turn: ResolvedTurn): { type: string; status: string; incomplete: Fields | null } {
  if (turn.finish === 'length') return { type: 'response.incomplete', status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
  if (turn.finish === 'content_filter') return { type: 'response.incomplete', status: 'incomplete', incomplete: { reason: 'content_filter' } };
  return { type: 'response.completed', status: 'completed', incomplete: null };
}

export function responsesUsage(turn: ResolvedTurn): Fields {
  const { input, output, cacheRead, cacheWrite, reasoning } = turn.usage;
  const inputTokens = input + cacheRead + cacheWrite;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: inputTokens + output,
  };
}

/** The Response object with the request fields OpenAI echoes. */
export function responseObject(turn: ResolvedTurn, body: unknown, status: string, output: Fields[], extra: Fields = {}): Fields {
  const request = isRecord(body) ? body : {};
  const pick = (field: string, fallback: unknown): unknown => request[field] ?? fallback;
  return {
    id: turn.id,
    object: 'response',
    created_at: turn.created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: pick('instructions', null),
    max_output_tokens: pick('max_output_tokens', null),
    model: turn.model,
    output,
    parallel_tool_calls: pick('parallel_tool_calls', true),
    previous_response_id: pick('previous_response_id', null),
    reasoning: { effort: null, summary: null, ...(isRecord(request['reasoning']) ? request['reasoning'] : {}) },
    service_tier: 'default',
    store: pick('store', true),
    temperature: pick('temperature', 1),
    text: pick('text', { format: { type: 'text' } }),
    tool_choice: pick('tool_choice', 'auto'),
    tools: pick('tools', []),
    top_p: pick('top_p', 1),
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: pick('metadata', {}),
    ...extra,
  };
}

function reasoningItem(id: string, text: string | undefined, signature: string | undefined): Fields {
  return {
    id,
    type: 'reasoning',
    summary: text === undefined ? [] : [{ type: 'summary_text', text }],
    ...(signature === undefined ? {} : { encrypted_content: signature }),
  };
}

function messageItem(id: string, status: string, text: string | undefined): Fields {
  const content = text === undefined ? [] : [{ type: 'output_text', text, annotations: [] }];
  return { id, type: 'message', status, role: 'assistant', content };
}

function callItem(id: string, status: string, call: ResolvedToolCall, args: string): Fields {
  return { id, type: 'function_call', status, arguments: args, call_id: call.id, name: call.name };
}

/** The encrypted reasoning state is only returned when the request includes it. */
function wantsEncrypted(body: unknown): boolean {
  const include = isRecord(body) ? body['include'] : undefined;
  return Array.isArray(include) && include.includes('reasoning.encrypted_content');
}

/** Every event of a streamed answer, in order: reasoning item, message item, function calls, terminal event. */
export function responsesStreamEvents(turn: ResolvedTurn, body: unknown): string[] {
  const events: string[] = [];
  let sequence = 0;
  const emit = (type: string, fields: Fields): void => {
    events.push(responsesSseEvent(type, sequence++, fields));
  };
  const ids = itemIds(turn);
  const output: Fields[] = [];
  emit('response.created', { response: responseObject(turn, body, 'in_progress', []) });
  emit('response.in_progress', { response: responseObject(turn, body, 'in_progress', []) });
  const signature = wantsEncrypted(body) ? turn.reasoningSignature : undefined;
  if (turn.reasoning !== undefined) {
    const index = output.length;
    const where = { item_id: ids.reasoning, output_index: index, summary_index: 0 };
    emit('response.output_item.added', { output_index: index, item: reasoningItem(ids.reasoning, undefined, undefined) });
    emit('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
    for (const piece of fragment(turn.reasoning, turn.fragmentChars)) emit('response.reasoning_summary_text.delta', { ...where, delta: piece, obfuscation: 'x' });
    emit('response.reasoning_summary_text.done', { ...where, text: turn.reasoning });
    emit('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text: turn.reasoning } });
    const done = reasoningItem(ids.reasoning, turn.reasoning, signature);
    output.push(done);
    emit('response.output_item.done', { output_index: index, item: done });
  }
  if (turn.text !== undefined) {
    const index = output.length;
    const where = { item_id: ids.message, output_index: index, content_index: 0 };
    emit('response.output_item.added', { output_index: index, item: messageItem(ids.message, 'in_progress', undefined) });
    emit('response.content_part.added', { ...where, part: { type: 'output_text', text: '', annotations: [] } });
    for (const piece of fragment(turn.text, turn.fragmentChars)) emit('response.output_text.delta', { ...where, delta: piece, logprobs: [], obfuscation: 'x' });
    emit('response.output_text.done', { ...where, text: turn.text, logprobs: [] });
    emit('response.content_part.done', { ...where, part: { type: 'output_text', text: turn.text, annotations: [] } });
    const done = messageItem(ids.message, 'completed', turn.text);
    output.push(done);
    emit('response.output_item.done', { output_index: index, item: done });
  }
  turn.toolCalls.forEach((call, position) => {
    const index = output.length;
    const id = ids.call(position);
    emit('response.output_item.added', { output_index: index, item: callItem(id, 'in_progress', call, '') });
    for (const piece of fragment(call.arguments, turn.fragmentChars)) emit('response.function_call_arguments.delta', { item_id: id, output_index: index, delta: piece, obfuscation: 'x' });
    emit('response.function_call_arguments.done', { item_id: id, output_index: index, arguments: call.arguments });
    const done = callItem(id, 'completed', call, call.arguments);
    output.push(done);
    emit('response.output_item.done', { output_index: index, item: done });
  });
  const end = terminal(turn);
  emit(end.type, { response: responseObject(turn, body, end.status, output, { usage: responsesUsage(turn), incomplete_details: end.incomplete }) });
  return events;
}

/** The non-streaming Response object. */
export function responsesResult(turn: ResolvedTurn, body: unknown): Record<string, unknown> {
  const ids = itemIds(turn);
  const output: Fields[] = [];
  if (turn.reasoning !== undefined) output.push(reasoningItem(ids.reasoning, turn.reasoning, wantsEncrypted(body) ? turn.reasoningSignature : undefined));
  if (turn.text !== undefined) output.push(messageItem(ids.message, 'completed', turn.text));
  turn.toolCalls.forEach((call, position) => output.push(callItem(ids.call(position), 'completed', call, call.arguments)));
  const end = terminal(turn);
  return responseObject(turn, body, end.status, output, { usage: responsesUsage(turn), incomplete_details: end.incomplete });
}

/** A generation that fails after it started: `response.failed` with the error, as OpenAI ends such a stream. */
export function responsesFailed(turn: ResolvedTurn, body: unknown, sequence: number, code: string | undefined, message: string | undefined): string {
  const error = { code: code ?? 'server_error', message: message ?? 'The server had an error while processing your request. Sorry about that!' };
  return responsesSseEvent('response.failed', sequence, { response: responseObject(turn, body, 'failed', [], { error }) });
}
