import type {
  ChatRequest,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import { decodeMessages } from './decode-messages.js';
import { errorFromZod, invalidRequest } from './request-error.js';
import { requestBodySchema, type WireRequest } from './wire-schema.js';

/**
 * Fields with no canonical home. They survive a same-dialect passthrough (they stay in
 * `source.body`) and are lost in translation, which the warning records.
 */
const UNCARRIED_FIELDS = [
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'audio',
  'modalities',
  'prediction',
  'verbosity',
  'web_search_options',
  'service_tier',
  'store',
  'metadata',
  'prompt_cache_key',
  'prompt_cache_retention',
] as const;

/** Validates a Chat Completions body and maps it onto the canonical request. */
export function decodeRequest(body: unknown, raw?: Buffer): ChatRequest {
  if (!isJsonObject(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const parsed = requestBodySchema.safeParse(body);
  if (!parsed.success) throw errorFromZod(parsed.error, body);
  const wire = parsed.data;
  rejectUnsupported(wire);
  const { system, messages, warnings: messageWarnings } = decodeMessages(wire.messages);
  const toolChoice = decodeToolChoice(wire.tool_choice);
  const maxOutputTokens = wire.max_completion_tokens ?? wire.max_tokens;
  const responseFormat = decodeResponseFormat(wire.response_format);
  const endUserId = wire.safety_identifier ?? wire.user;
  return {
    model: wire.model,
    system,
    messages,
    tools: decodeTools(wire),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(wire.parallel_tool_calls === undefined ? {} : { parallelToolCalls: wire.parallel_tool_calls }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(wire.temperature === undefined ? {} : { temperature: wire.temperature }),
    ...(wire.top_p === undefined ? {} : { topP: wire.top_p }),
    stopSequences: wire.stop === undefined ? [] : typeof wire.stop === 'string' ? [wire.stop] : wire.stop,
    ...(wire.reasoning_effort === undefined ? {} : { reasoning: { effort: wire.reasoning_effort } }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(endUserId === undefined ? {} : { endUserId }),
    stream: wire.stream ?? false,
    includeUsage: wire.stream_options?.include_usage ?? false,
    warnings: [...messageWarnings, ...requestWarnings(body, wire)],
    source: { dialect: 'openai-chat', body, raw: raw ?? Buffer.from(JSON.stringify(body)), headers: {} },
  };
}

function rejectUnsupported(wire: WireRequest): void {
  if (wire.n !== undefined && wire.n > 1) {
    throw invalidRequest(['n'], `'n' > 1 is not supported: Auxot returns one choice per request; send ${wire.n} requests instead.`);
  }
  if (wire.functions !== undefined) {
    throw invalidRequest(['functions'], `The legacy 'functions' parameter is not supported; declare them in 'tools' as {"type":"function","function":{...}}.`);
  }
  if (wire.function_call !== undefined) {
    throw invalidRequest(['function_call'], `The legacy 'function_call' parameter is not supported; use 'tool_choice'.`);
  }
  (wire.tools ?? []).forEach((tool, index) => {
    if (tool.type === 'custom') {
      throw invalidRequest(['tools', index, 'type'], `Custom tools ('tools[${index}]') are not supported; declare function tools with a JSON schema.`);
    }
  });
}

function decodeTools(wire: WireRequest): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const tool of wire.tools ?? []) {
    if (tool.type !== 'function') continue;
    const { name, description, parameters } = tool.function;
    tools.push({
      name,
      ...(description === undefined ? {} : { description }),
      inputSchema: parameters ?? { type: 'object', properties: {} },
    });
  }
  return tools;
}

function decodeToolChoice(choice: WireRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') return { type: choice };
  return { type: 'tool', name: choice.function.name };
}

function decodeResponseFormat(format: WireRequest['response_format']): ResponseFormat | undefined {
  if (format === undefined) return undefined;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json-object' };
    case 'json_schema': {
      const { name, schema, strict } = format.json_schema;
      return {
        type: 'json-schema',
        ...(name === undefined ? {} : { name }),
        schema: schema ?? {},
        ...(strict === undefined ? {} : { strict }),
      };
    }
  }
}

function requestWarnings(body: JsonObject, wire: WireRequest): string[] {
  const warnings: string[] = [];
  for (const field of UNCARRIED_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== false) warnings.push(`\`${field}\` is not carried across dialects`);
  }
  if (wire.tools?.some((tool) => tool.type === 'function' && tool.function.strict !== undefined)) {
    warnings.push('tool `strict` flags are not carried across dialects');
  }
  if (wire.response_format?.type === 'json_schema' && wire.response_format.json_schema.description !== undefined) {
    warnings.push('response_format.json_schema.description is not carried across dialects');
  }
  return warnings;
}
