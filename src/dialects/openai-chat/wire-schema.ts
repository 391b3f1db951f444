import { z } from 'zod';
import type { JsonObject } from '../../canonical/json.js';

/**
 * The Chat Completions request body as callers send it (openai 6.49 `ChatCompletionCreateParams`).
 *
 * The schema describes the wire honestly, including shapes Auxot refuses (legacy `function` role,
 * `custom` tools, audio and `file_id` parts): the decoder rejects those with a message that says
 * why, which a schema failure could not. Unknown top-level fields pass (they stay in
 * `source.body` for same-dialect passthrough).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */

/** Clients send explicit `null` for optional fields; treat it exactly like an absent field. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

/**
 * A JSON object (a tool's parameter schema). The body came from JSON.parse, so every value already
 * is JSON: checking it again value by value (`z.json()`) would only cost time on every request, and
 * its recursion would keep the schema from being compiled.
 */
const jsonObject = z.record(z.string(), z.unknown()).transform((value) => value as JsonObject);

export const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });

const imageUrlPartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: optional(z.string()) }),
});

const inputAudioPartSchema = z.object({ type: z.literal('input_audio'), input_audio: z.unknown().optional() });

const filePartSchema = z.object({
  type: z.literal('file'),
  file: z.object({
    file_id: optional(z.string()),
    file_data: optional(z.string()),
    filename: optional(z.string()),
  }),
});

const refusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() });

const userPartSchema = z.discriminatedUnion('type', [
  textPartSchema,
  imageUrlPartSchema,
  inputAudioPartSchema,
  filePartSchema,
]);

function contentOf<T extends z.ZodType>(part: T, what: string) {
  return z.union([z.string(), z.array(part)], { error: `must be a string or an array of ${what}` });
}

const textContentSchema = contentOf(textPartSchema, 'text parts');

const functionToolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const customToolCallSchema = z.object({ id: optional(z.string()), type: z.literal('custom'), custom: z.unknown().optional() });

const systemMessageSchema = z.object({
  role: z.enum(['system', 'developer']),
  content: textContentSchema,
  name: optional(z.string()),
});

const userMessageSchema = z.object({
  role: z.literal('user'),
  content: contentOf(userPartSchema, 'content parts'),
  name: optional(z.string()),
});

const assistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: optional(contentOf(z.discriminatedUnion('type', [textPartSchema, refusalPartSchema]), 'text or refusal parts')),
  refusal: optional(z.string()),
  /** DeepSeek / vLLM / llama.cpp send the model's reasoning back this way. */
  reasoning_content: optional(z.string()),
  tool_calls: optional(z.array(z.discriminatedUnion('type', [functionToolCallSchema, customToolCallSchema]))),
  audio: optional(z.unknown()),
  function_call: optional(z.unknown()),
  name: optional(z.string()),
});

const toolMessageSchema = z.object({
  role: z.literal('tool'),
  content: textContentSchema,
  tool_call_id: z.string().min(1),
});

const functionMessageSchema = z.object({ role: z.literal('function') });

export const messageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
  functionMessageSchema,
]);

const functionToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: optional(z.string()),
    parameters: optional(jsonObject),
    strict: optional(z.boolean()),
  }),
});

const customToolSchema = z.object({ type: z.literal('custom'), custom: z.unknown().optional() });

const toolChoiceSchema = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
  ],
  { error: `must be 'auto', 'none', 'required' or {"type":"function","function":{"name":...}}` },
);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: optional(z.string()),
      description: optional(z.string()),
      schema: optional(jsonObject),
      strict: optional(z.boolean()),
    }),
  }),
]);

const tokenCount = z.number().int().nonnegative();

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

const requestBodyShape = z.object({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  tools: optional(z.array(z.discriminatedUnion('type', [functionToolSchema, customToolSchema]))),
  tool_choice: optional(toolChoiceSchema),
  parallel_tool_calls: optional(z.boolean()),
  max_tokens: optional(tokenCount),
  max_completion_tokens: optional(tokenCount),
  temperature: optional(z.number()),
  top_p: optional(z.number()),
  n: optional(z.number().int().positive()),
  stop: optional(z.union([z.string(), z.array(z.string())], { error: 'must be a string or an array of strings' })),
  reasoning_effort: optional(reasoningEffortSchema),
  response_format: optional(responseFormatSchema),
  user: optional(z.string()),
  safety_identifier: optional(z.string()),
  stream: optional(z.boolean()),
  stream_options: optional(z.object({ include_usage: optional(z.boolean()) })),
  functions: optional(z.unknown()),
  function_call: optional(z.unknown()),
});

/**
 * Compiled ahead of time (zod's `z.compile`): every request is parsed with it, and valid bodies
 * take the generated fast path; invalid ones fall back to the ordinary parser and its messages.
 */
export const requestBodySchema = z.compile(requestBodyShape);

export type WireRequest = z.output<typeof requestBodyShape>;
export type WireMessage = z.output<typeof messageSchema>;
export type WireUserPart = z.output<typeof userPartSchema>;
export type WireTextPart = z.output<typeof textPartSchema>;
export type WireAssistantMessage = z.output<typeof assistantMessageSchema>;
