import { createHash } from 'node:crypto';
import type { ModelRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';
import type { EncodedRequest, UpstreamTarget } from '../dialect.js';
import { encodeMessages } from './encode-messages.js';

/**
 * Canonical request → body for an OpenAI-compatible upstream (OpenAI, llama-server, vLLM, Ollama).
 * Only fields every one of those accepts are written; the rest become warnings.
 */
export function encodeRequest(request: ModelRequest, target: UpstreamTarget): EncodedRequest {
  const { messages, warnings } = encodeMessages(request);
  const body: JsonObject = { model: target.model, messages };
  if (request.tools.length > 0) {
    body.tools = request.tools.map(encodeTool);
    if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.maxOutputTokens !== undefined) body[target.maxTokensField ?? 'max_tokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.push('top_k is not supported by Chat Completions and was dropped');
  if (request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.responseFormat !== undefined) body.response_format = encodeResponseFormat(request.responseFormat);
  if (request.endUserId !== undefined) body.user = endUserFor(request.endUserId, warnings);
  if (request.reasoning !== undefined) {
    // Model-specific: gpt-4o and most local models reject `reasoning_effort` outright.
    warnings.push('reasoning options were dropped: not every OpenAI-compatible model accepts reasoning_effort');
  }
  body.stream = target.stream;
  // Usage arrives only in a final chunk, and only on request; metering and Anthropic's
  // message_delta need it (docs/wire-formats.md §3.2).
  if (target.stream) body.stream_options = { include_usage: true };
  return { body, warnings };
}

/** `$schema` (Claude Code sends draft 2020-12) makes several backends' schema compilers fail. */
function encodeTool(tool: ToolDefinition): JsonObject {
  const parameters: JsonObject = {};
  for (const [key, value] of Object.entries(tool.inputSchema)) if (key !== '$schema') parameters[key] = value;
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters,
    },
  };
}

function encodeToolChoice(choice: ToolChoice): JsonObject[string] {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

function encodeResponseFormat(format: ResponseFormat): JsonObject {
  switch (format.type) {
    case 'json-object':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        // OpenAI requires a name; Anthropic's output_config.format has none.
        json_schema: {
          name: format.name ?? 'response',
          schema: format.schema,
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
  }
}

/** OpenAI's end-user ids are short identifiers (64 characters at most). */
const MAX_END_USER_LENGTH = 64;

/**
 * Claude Code's `metadata.user_id` is a JSON blob with device and session ids; an OpenAI-style
 * upstream gets a stable pseudonym instead of those identifiers (and of a value it would reject).
 */
function endUserFor(endUserId: string, warnings: string[]): string {
  if (endUserId.length <= MAX_END_USER_LENGTH) return endUserId;
  warnings.push('the end-user id was longer than 64 characters; sent as a SHA-256 pseudonym');
  return createHash('sha256').update(endUserId).digest('hex').slice(0, 32);
}
