import type { ReasoningEffort, ReasoningOptions, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';
import { checkWire, parseWire, rejectField } from './parse-wire.js';
import { isCustomTool, isToolKind } from './wire-guards.js';
import { customToolSchema, outputConfigSchema, thinkingConfigSchema, toolChoiceSchema, toolKindSchema } from './wire-schema.js';

/**
 * Custom tools become canonical tools; `cache_control`, `defer_loading` and `eager_input_streaming`
 * are Anthropic-only hints and are not carried. Claude Code omits `type` on its tools, which means
 * `custom` (envoyproxy/ai-gateway#1953). Server tools (`web_search_…`, `bash_…`, …) run on
 * Anthropic's side, so only a same-dialect passthrough can keep them.
 */
export function decodeTools(tools: readonly unknown[], warnings: string[]): ToolDefinition[] {
  return tools.flatMap((tool, index): ToolDefinition[] => {
    const path = ['tools', index];
    const kind = checkWire(isToolKind, toolKindSchema, tool, path).type ?? 'custom';
    if (kind !== 'custom') {
      warnings.push(`Dropped server tool ${JSON.stringify(kind)} at tools.${index}: only Anthropic can run it`);
      return [];
    }
    const custom = checkWire(isCustomTool, customToolSchema, tool, path);
    return [
      {
        name: custom.name,
        ...(custom.description == null ? {} : { description: custom.description }),
        inputSchema: custom.input_schema,
      },
    ];
  });
}

export interface DecodedToolChoice {
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
}

export function decodeToolChoice(value: unknown): DecodedToolChoice {
  if (value == null) return {};
  const choice = parseWire(toolChoiceSchema, value, ['tool_choice']);
  const parallel = choice.disable_parallel_tool_use === true ? { parallelToolCalls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, ...parallel };
    case 'any':
      return { toolChoice: { type: 'required' }, ...parallel };
    case 'none':
      return { toolChoice: { type: 'none' }, ...parallel };
    case 'tool':
      return { toolChoice: { type: 'tool', name: choice.name }, ...parallel };
  }
}

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

function isEffort(value: string): value is ReasoningEffort {
  return (EFFORTS as readonly string[]).includes(value);
}

export interface DecodedReasoning {
  reasoning?: ReasoningOptions;
  responseFormat?: ResponseFormat;
}

/**
 * `thinking: {type:'enabled', budget_tokens}` is the budget; `adaptive` and `disabled` leave the
 * choice to the model and carry nothing. `output_config` holds both the effort and the structured
 * output format (the Anthropic counterpart of OpenAI's `response_format`).
 */
export function decodeReasoning(thinking: unknown, outputConfig: unknown, warnings: string[]): DecodedReasoning {
  const budgetTokens = thinking == null ? undefined : decodeThinking(thinking, warnings);
  const config = outputConfig == null ? undefined : parseWire(outputConfigSchema, outputConfig, ['output_config']);
  const effort = config?.effort == null ? undefined : decodeEffort(config.effort, warnings);
  const responseFormat = config?.format == null ? undefined : decodeFormat(config.format, warnings);
  const reasoning: ReasoningOptions = {
    ...(budgetTokens === undefined ? {} : { budgetTokens }),
    ...(effort === undefined ? {} : { effort }),
  };
  return {
    ...(budgetTokens === undefined && effort === undefined ? {} : { reasoning }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
}

function decodeThinking(thinking: unknown, warnings: string[]): number | undefined {
  const config = parseWire(thinkingConfigSchema, thinking, ['thinking']);
  switch (config.type) {
    case 'enabled':
      return config.budget_tokens ?? rejectField(['thinking', 'budget_tokens'], 'is required when thinking.type is "enabled"');
    case 'adaptive':
    case 'disabled':
      return undefined;
    default:
      warnings.push(`Ignored thinking.type ${JSON.stringify(config.type)}: not understood`);
      return undefined;
  }
}

function decodeEffort(effort: string, warnings: string[]): ReasoningEffort | undefined {
  if (isEffort(effort)) return effort;
  warnings.push(`Ignored output_config.effort ${JSON.stringify(effort)}: not understood`);
  return undefined;
}

function decodeFormat(format: { type: string; schema?: JsonObject | null }, warnings: string[]): ResponseFormat | undefined {
  if (format.type !== 'json_schema') {
    warnings.push(`Ignored output_config.format of type ${JSON.stringify(format.type)}: not understood`);
    return undefined;
  }
  return format.schema == null
    ? rejectField(['output_config', 'format', 'schema'], 'is required when format.type is "json_schema"')
    : { type: 'json-schema', schema: format.schema };
}
