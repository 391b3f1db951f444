import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import { errorFromZod, invalidRequest } from '../openai-chat/request-error.js';
import { decodeInput } from './decode-input.js';
import { parseAt } from './parse-item.js';
import { flatToolName } from './tool-names.js';
import { functionToolSchema, namespaceToolSchema, requestBodySchema, toolKindSchema, type WireFunctionTool, type WireRequest } from './wire-schema.js';

/**
 * Fields with no canonical home: kept by a same-dialect passthrough (they stay in `source.body`),
 * lost in translation, which the warnings record. `store`, `include`, `previous_response_id` and
 * `client_metadata` are not listed: Auxot itself honours them (or they are only for the client).
 */
const UNCARRIED_FIELDS = ['truncation', 'service_tier', 'top_logprobs', 'max_tool_calls', 'metadata', 'prompt_cache_key', 'prompt_cache_retention'] as const;

/** Validates a Responses body and maps it onto the canonical request. */
export function decodeRequest(body: unknown, raw?: Buffer): ChatRequest {
  if (!isJsonObject(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  const parsed = requestBodySchema.safeParse(body);
  if (!parsed.success) throw errorFromZod(parsed.error, body);
  const wire = parsed.data;
  rejectUnsupported(wire);
  const input = decodeInput(wire.input, body);
  const warnings = [...input.warnings];
  const tools = decodeTools(wire.tools ?? [], body, warnings);
  const toolChoice = decodeToolChoice(wire.tool_choice, warnings);
  const responseFormat = decodeFormat(wire.text?.format);
  const endUserId = wire.safety_identifier ?? wire.user;
  const system = wire.instructions === undefined || wire.instructions === '' ? input.system : [{ type: 'text' as const, text: wire.instructions }, ...input.system];
  return {
    model: wire.model,
    system,
    messages: input.messages,
    tools,
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(wire.parallel_tool_calls === undefined ? {} : { parallelToolCalls: wire.parallel_tool_calls }),
    ...(wire.max_output_tokens === undefined ? {} : { maxOutputTokens: wire.max_output_tokens }),
    ...(wire.temperature === undefined ? {} : { temperature: wire.temperature }),
    ...(wire.top_p === undefined ? {} : { topP: wire.top_p }),
    stopSequences: [],
    ...(wire.reasoning?.effort === undefined ? {} : { reasoning: { effort: wire.reasoning.effort } }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(endUserId === undefined ? {} : { endUserId }),
    stream: wire.stream ?? false,
    // Responses streams always end with the usage in `response.completed`.
    includeUsage: true,
    warnings: [...warnings, ...requestWarnings(body, wire)],
    source: { dialect: 'openai-responses', body, raw: raw ?? Buffer.from(JSON.stringify(body)), headers: {} },
  };
}

function rejectUnsupported(wire: WireRequest): void {
  if (wire.background === true) {
    throw invalidRequest(['background'], "Background responses are not supported; send the request without 'background' (streaming works).");
  }
  if (wire.conversation !== undefined) {
    throw invalidRequest(['conversation'], "The Conversations API is not supported; send the history in 'input' or use 'previous_response_id'.");
  }
  if (wire.prompt !== undefined) {
    throw invalidRequest(['prompt'], "Reusable prompt templates ('prompt') are not supported; send 'instructions' and 'input' instead.");
  }
}

/**
 * Function tools carry over; a namespace's functions are flattened (tool-names.ts). Hosted tools
 * (`web_search`, `file_search`, `code_interpreter`, ...) run inside OpenAI, so only a passthrough
 * to OpenAI keeps them; translation drops and names them (Codex declares `web_search` by default,
 * and refusing it would shut Codex out of every local model).
 */
function decodeTools(tools: unknown[], body: JsonObject, warnings: string[]): ToolDefinition[] {
  const decoded: Array<ToolDefinition & { strictFlag: boolean }> = [];
  const hosted = new Set<string>();
  tools.forEach((tool, index) => {
    const path = ['tools', index];
    const kind = parseAt(toolKindSchema, tool, path, body).type;
    if (kind === 'function') {
      decoded.push(toolDefinition(parseAt(functionToolSchema, tool, path, body), undefined));
    } else if (kind === 'namespace') {
      const namespace = parseAt(namespaceToolSchema, tool, path, body);
      namespace.tools.forEach((inner, position) => {
        const innerPath = [...path, 'tools', position];
        const innerKind = parseAt(toolKindSchema, inner, innerPath, body).type;
        if (innerKind === 'function') decoded.push(toolDefinition(parseAt(functionToolSchema, inner, innerPath, body), namespace.name));
        else hosted.add(innerKind);
      });
    } else {
      hosted.add(kind);
    }
  });
  // Custom (free-form input) tools are the caller's own, but only OpenAI's models can call them.
  const custom = hosted.delete('custom');
  if (hosted.size > 0) warnings.push(`tools of type ${[...hosted].map((kind) => JSON.stringify(kind)).join(', ')} run only on OpenAI and were dropped`);
  if (custom) warnings.push('custom (free-form) tools have no equivalent outside OpenAI and were dropped');
  if (decoded.some((tool) => tool.strictFlag)) warnings.push('tool `strict` flags are not carried across dialects');
  return decoded.map(({ strictFlag: _strict, ...tool }) => tool);
}

function toolDefinition(tool: WireFunctionTool, namespace: string | undefined): ToolDefinition & { strictFlag: boolean } {
  return {
    name: flatToolName(namespace, tool.name),
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: tool.parameters ?? { type: 'object', properties: {} },
    strictFlag: tool.strict === true,
  };
}

function decodeToolChoice(choice: WireRequest['tool_choice'], warnings: string[]): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') return { type: choice };
  if (choice.type === 'function' && choice.name !== undefined) return { type: 'tool', name: flatToolName(undefined, choice.name) };
  if (choice.type === 'allowed_tools') {
    warnings.push('tool_choice allowed_tools was reduced to its mode: every declared tool stays available');
    return { type: choice.mode === 'required' ? 'required' : 'auto' };
  }
  warnings.push(`tool_choice of type ${JSON.stringify(choice.type)} was dropped`);
  return undefined;
}

function decodeFormat(format: NonNullable<WireRequest['text']>['format']): ResponseFormat | undefined {
  if (format === undefined) return undefined;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json-object' };
    case 'json_schema':
      return {
        type: 'json-schema',
        ...(format.name === undefined ? {} : { name: format.name }),
        schema: format.schema,
        ...(format.strict === undefined ? {} : { strict: format.strict }),
      };
  }
}

function requestWarnings(body: JsonObject, wire: WireRequest): string[] {
  const warnings: string[] = [];
  for (const field of UNCARRIED_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== false) warnings.push(`\`${field}\` is not carried across dialects`);
  }
  if (wire.text?.verbosity !== undefined) warnings.push('text.verbosity is not carried across dialects');
  if (wire.text?.format?.type === 'json_schema' && wire.text.format.description !== undefined) {
    warnings.push('text.format.description is not carried across dialects');
  }
  return warnings;
}
