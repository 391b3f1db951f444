import type { ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import type { ModelRequest, ToolDefinition } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { toGbnfSchema } from './json-schema-to-gbnf.js';

/**
 * How one request is generated.
 * - `text`: a plain answer, optionally held to JSON by a grammar (response formats).
 * - `named-tool`: the whole answer is the arguments of one given tool, held to its schema.
 * - `pick-tool`: the answer is `{"name": …, "arguments": …}`, a `oneOf` with one branch per
 *   tool, so the name is chosen first and the arguments then follow that tool's schema.
 * - `native-tools`: node-llama-cpp's own function calling in the model's trained syntax; the
 *   model decides whether to call. node-llama-cpp takes functions or a grammar, not both, so a
 *   response format is not enforced alongside tools.
 */
export type GenerationPlan =
  | { kind: 'text'; grammar?: TextGrammar }
  | { kind: 'named-tool'; tool: ToolDefinition; grammar: GbnfJsonSchema; instruction: string }
  | { kind: 'pick-tool'; grammar: GbnfJsonSchema; instruction: string }
  | { kind: 'native-tools'; functions: ChatModelFunctions; maxParallelCalls?: number };

export type TextGrammar = { kind: 'any-json' } | { kind: 'schema'; schema: GbnfJsonSchema };

/**
 * @param hasNativeToolCalling whether the model's chat wrapper has a tool-call syntax of its own
 *   (see `hasNativeToolCalling` in llama-runtime.ts).
 */
export function planGeneration(request: ModelRequest, hasNativeToolCalling: boolean): GenerationPlan {
  const choice = request.toolChoice ?? { type: 'auto' };
  if (request.tools.length === 0 || choice.type === 'none') return textPlan(request);
  switch (choice.type) {
    case 'tool': {
      const tool = request.tools.find((candidate) => candidate.name === choice.name);
      if (tool === undefined) {
        throw new GatewayError('invalid_request', `tool_choice names an unknown tool: ${choice.name}`, {
          param: 'tool_choice',
        });
      }
      return namedToolPlan(tool);
    }
    case 'required': {
      const [only, ...others] = request.tools;
      if (only !== undefined && others.length === 0) return namedToolPlan(only);
      return pickToolPlan(request.tools);
    }
    case 'auto':
      // Without a trained syntax node-llama-cpp would teach the model its generic `||call:`
      // format, which a model like the tiny test GGUF never emits: answer in text instead.
      if (!hasNativeToolCalling) return textPlan(request);
      return {
        kind: 'native-tools',
        functions: Object.fromEntries(
          request.tools.map((tool) => [
            tool.name,
            { ...(tool.description === undefined ? {} : { description: tool.description }), params: toGbnfSchema(tool.inputSchema) },
          ]),
        ),
        ...(request.parallelToolCalls === false ? { maxParallelCalls: 1 } : {}),
      };
  }
}

function textPlan(request: ModelRequest): GenerationPlan {
  const format = request.responseFormat;
  if (format === undefined) return { kind: 'text' };
  switch (format.type) {
    case 'json-object':
      return { kind: 'text', grammar: { kind: 'any-json' } };
    case 'json-schema':
      return { kind: 'text', grammar: { kind: 'schema', schema: toGbnfSchema(format.schema) } };
  }
}

function namedToolPlan(tool: ToolDefinition): GenerationPlan {
  return {
    kind: 'named-tool',
    tool,
    grammar: toGbnfSchema(tool.inputSchema),
    instruction:
      `Call the tool "${tool.name}" now${tool.description === undefined ? '' : ` (${tool.description})`}. ` +
      `Reply with only its arguments: one JSON object matching this JSON Schema: ${JSON.stringify(tool.inputSchema)}`,
  };
}

function pickToolPlan(tools: ToolDefinition[]): GenerationPlan {
  const listing = tools.map(
    (tool) =>
      `- ${tool.name}${tool.description === undefined ? '' : `: ${tool.description}`}\n` +
      `  arguments JSON Schema: ${JSON.stringify(tool.inputSchema)}`,
  );
  return {
    kind: 'pick-tool',
    grammar: {
      oneOf: tools.map((tool) => ({
        type: 'object',
        properties: { name: { const: tool.name }, arguments: toGbnfSchema(tool.inputSchema) },
      })),
    },
    instruction:
      'Call exactly one of the tools below now. Reply with only a JSON object of the form ' +
      `{"name": <tool name>, "arguments": <arguments object>}.\nTools:\n${listing.join('\n')}`,
  };
}
