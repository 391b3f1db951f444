import type { ModelRequest, ToolChoice } from '../../canonical/chat-request.js';
import { anthropicEffort } from './effort.js';
import type { JsonObject } from '../../canonical/json.js';
import type { EncodedRequest, UpstreamTarget } from '../dialect.js';
import { encodeMessages } from './encode-content.js';

/** Anthropic requires `max_tokens`; this applies when neither the caller nor the provider set one. */
export const FALLBACK_MAX_TOKENS = 4096;

/**
 * ModelRequest → an Anthropic `/v1/messages` body, for callers that spoke another dialect.
 * @see https://docs.claude.com/en/api/messages
 */
export function encodeRequest(request: ModelRequest, target: UpstreamTarget): EncodedRequest {
  const warnings: string[] = [];
  const system = request.system.filter((part) => part.text !== '').map((part) => ({ type: 'text', text: part.text }));
  const body: JsonObject = {
    model: target.model,
    max_tokens: request.maxOutputTokens ?? target.defaultMaxOutputTokens ?? FALLBACK_MAX_TOKENS,
    ...(system.length === 0 ? {} : { system }),
    messages: encodeMessages(request.messages, warnings),
    ...encodeTools(request),
    ...(request.stopSequences.length === 0 ? {} : { stop_sequences: request.stopSequences }),
    ...encodeSampling(request, warnings),
    ...encodeReasoning(request, warnings),
    ...(request.endUserId === undefined ? {} : { metadata: { user_id: request.endUserId } }),
    stream: target.stream,
  };
  return { body, warnings };
}

function encodeTools(request: ModelRequest): JsonObject {
  if (request.tools.length === 0) return {};
  const tools = request.tools.map(
    (tool): JsonObject => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.inputSchema,
    }),
  );
  const choice = encodeToolChoice(request.toolChoice ?? { type: 'auto' });
  const explicit = request.toolChoice !== undefined || request.parallelToolCalls === false;
  if (request.parallelToolCalls === false) choice.disable_parallel_tool_use = true;
  return { tools, ...(explicit ? { tool_choice: choice } : {}) };
}

function encodeToolChoice(choice: ToolChoice): JsonObject {
  switch (choice.type) {
    case 'auto':
      return { type: 'auto' };
    case 'required':
      return { type: 'any' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: choice.name };
  }
}

/**
 * Anthropic's temperature range is [0, 1] where OpenAI's is [0, 2]; an OpenAI caller's 1.5 would
 * otherwise be a 400.
 */
function encodeSampling(request: ModelRequest, warnings: string[]): JsonObject {
  const sampling: JsonObject = {};
  if (request.temperature !== undefined) {
    const temperature = Math.min(1, Math.max(0, request.temperature));
    if (temperature !== request.temperature) {
      warnings.push(`temperature ${request.temperature} is outside Anthropic's range [0, 1]; sent ${temperature}`);
    }
    sampling.temperature = temperature;
  }
  if (request.topP !== undefined) sampling.top_p = request.topP;
  if (request.topK !== undefined) sampling.top_k = request.topK;
  return sampling;
}

function encodeReasoning(request: ModelRequest, warnings: string[]): JsonObject {
  const encoded: JsonObject = {};
  const budgetTokens = request.reasoning?.budgetTokens;
  if (budgetTokens !== undefined) encoded.thinking = { type: 'enabled', budget_tokens: budgetTokens };
  const outputConfig: JsonObject = {};
  const effort = anthropicEffort(request.reasoning?.effort);
  if (effort !== undefined) outputConfig.effort = effort;
  const format = request.responseFormat;
  if (format?.type === 'json-schema') {
    outputConfig.format = { type: 'json_schema', schema: format.schema };
  } else if (format?.type === 'json-object') {
    warnings.push('response_format json_object has no Anthropic equivalent without a schema; dropped');
  }
  if (Object.keys(outputConfig).length > 0) encoded.output_config = outputConfig;
  return encoded;
}

