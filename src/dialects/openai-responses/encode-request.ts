import type { ModelRequest, ResponseFormat, ToolChoice } from '../../canonical/chat-request.js';
import type { JsonObject, JsonValue } from '../../canonical/json.js';
import type { EncodedRequest, UpstreamTarget } from '../dialect.js';
import { encodeInput } from './encode-input.js';

/**
 * Canonical request → a Responses body, for an upstream that speaks only Responses. Stateless
 * (`store: false`): the whole conversation goes in `input`, as Codex sends it.
 */
export function encodeRequest(request: ModelRequest, target: UpstreamTarget): EncodedRequest {
  const warnings = new Set<string>();
  const body: JsonObject = { model: target.model, input: encodeInput(request, warnings), store: false, stream: target.stream };
  const instructions = request.system.map((part) => part.text).join('\n\n');
  if (instructions !== '') body.instructions = instructions;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
      strict: false,
    }));
    if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.add('top_k is not supported by the Responses API and was dropped');
  if (request.stopSequences.length > 0) warnings.add('stop sequences are not supported by the Responses API and were dropped');
  if (request.reasoning?.effort !== undefined) body.reasoning = { effort: request.reasoning.effort };
  else if (request.reasoning?.budgetTokens !== undefined) warnings.add('a reasoning token budget has no Responses equivalent and was dropped');
  if (request.responseFormat !== undefined) body.text = { format: encodeFormat(request.responseFormat) };
  if (request.endUserId !== undefined) body.safety_identifier = request.endUserId;
  return { body, warnings: [...warnings] };
}

function encodeToolChoice(choice: ToolChoice): JsonValue {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

function encodeFormat(format: ResponseFormat): JsonObject {
  if (format.type === 'json-object') return { type: 'json_object' };
  return { type: 'json_schema', name: format.name ?? 'response', schema: format.schema, ...(format.strict === undefined ? {} : { strict: format.strict }) };
}
