import type { ChatRequest } from '../../canonical/chat-request.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../canonical/json.js';
import { namespaceIndex, type NamespacedName } from './tool-names.js';

/** What every Response object of one answer shares: its id, time, model, and the request it answers. */
export interface ResponseContext {
  id: string;
  createdAt: number;
  model: string;
  /** The caller's body when it spoke Responses (echoed fields), else undefined. */
  body: JsonObject | undefined;
  includeEncryptedReasoning: boolean;
  names: ReadonlyMap<string, NamespacedName>;
}

export function responseContext(request: ChatRequest, id: string, createdAt: number): ResponseContext {
  const body = request.source.dialect === 'openai-responses' ? request.source.body : undefined;
  const include = body?.include;
  return {
    id,
    createdAt,
    model: request.model,
    body,
    includeEncryptedReasoning: Array.isArray(include) && include.includes('reasoning.encrypted_content'),
    names: namespaceIndex(body?.tools),
  };
}

export interface ResponseState {
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: JsonObject[];
  usage: JsonObject | null;
  error?: JsonObject | null;
  incompleteDetails?: JsonObject | null;
}

/**
 * The Response object, with the request fields OpenAI echoes back (instructions, tools, sampling,
 * `store`, `metadata`, ...) and their documented defaults when the caller left them out.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function responseObject(context: ResponseContext, state: ResponseState): JsonObject {
  const body = context.body ?? {};
  const echo = (field: string, fallback: JsonValue): JsonValue => {
    const value = body[field];
    return value === undefined || value === null ? fallback : value;
  };
  const reasoning = isJsonObject(body.reasoning) ? body.reasoning : {};
  const text = isJsonObject(body.text) ? body.text : {};
  return {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails ?? null,
    instructions: echo('instructions', null),
    max_output_tokens: echo('max_output_tokens', null),
    max_tool_calls: echo('max_tool_calls', null),
    model: context.model,
    output: state.output,
    parallel_tool_calls: echo('parallel_tool_calls', true),
    previous_response_id: echo('previous_response_id', null),
    prompt_cache_key: echo('prompt_cache_key', null),
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    safety_identifier: echo('safety_identifier', null),
    service_tier: echo('service_tier', 'default'),
    store: echo('store', true),
    temperature: echo('temperature', 1),
    text: { format: text.format ?? { type: 'text' }, verbosity: text.verbosity ?? 'medium' },
    tool_choice: echo('tool_choice', 'auto'),
    tools: echo('tools', []),
    top_logprobs: echo('top_logprobs', 0),
    top_p: echo('top_p', 1),
    truncation: echo('truncation', 'disabled'),
    usage: state.usage,
    user: echo('user', null),
    metadata: echo('metadata', {}),
  };
}
