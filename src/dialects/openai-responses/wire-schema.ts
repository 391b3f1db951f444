import { z } from 'zod';
import type { JsonObject } from '../../canonical/json.js';
import { reasoningEffortSchema } from '../openai-chat/wire-schema.js';

/**
 * The Responses API request body (`POST /v1/responses`, openai 6.49 `ResponseCreateParams`) as
 * far as Auxot reads it. Unknown fields and item types pass: they stay in `source.body` for a
 * same-dialect passthrough, and the decoder names what translation has to drop.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */

/** Clients send explicit `null` for optional fields; treat it exactly like an absent field. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

/** A tool's parameter schema; the body came from JSON.parse, so its values already are JSON. */
const jsonObject = z.record(z.string(), z.unknown()).transform((value) => value as JsonObject);

export const inputTextSchema = z.object({ type: z.literal('input_text'), text: z.string() });
const inputImageSchema = z.object({
  type: z.literal('input_image'),
  image_url: optional(z.string()),
  file_id: optional(z.string()),
  detail: optional(z.string()),
});
const inputFileSchema = z.object({
  type: z.literal('input_file'),
  file_data: optional(z.string()),
  file_id: optional(z.string()),
  file_url: optional(z.string()),
  filename: optional(z.string()),
});
const inputAudioSchema = z.object({ type: z.literal('input_audio') });
const outputTextSchema = z.object({ type: z.literal('output_text'), text: z.string() });
const refusalSchema = z.object({ type: z.literal('refusal'), refusal: z.string() });

export const contentPartSchema = z.discriminatedUnion('type', [
  inputTextSchema,
  inputImageSchema,
  inputFileSchema,
  inputAudioSchema,
  outputTextSchema,
  refusalSchema,
]);

/** `type` may be omitted on messages (the SDK's EasyInputMessage). */
export const messageItemSchema = z.object({
  type: optional(z.literal('message')),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPartSchema)], { error: 'must be a string or an array of content parts' }),
});

export const functionCallItemSchema = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  /** Codex groups tools in namespaces; a call names its namespace beside the function. */
  namespace: optional(z.string()),
});

export const functionCallOutputItemSchema = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPartSchema)], { error: 'must be a string or an array of content parts' }),
});

export const reasoningItemSchema = z.object({
  type: z.literal('reasoning'),
  summary: optional(z.array(z.object({ type: z.string(), text: z.string() }))),
  content: optional(z.array(z.object({ type: z.string(), text: z.string() }))),
  encrypted_content: optional(z.string()),
});

export const itemTypeSchema = z.object({ type: optional(z.string()) });

export const functionToolSchema = z.object({
  type: z.literal('function'),
  name: z.string().min(1),
  description: optional(z.string()),
  parameters: optional(jsonObject),
  strict: optional(z.boolean()),
});

export const namespaceToolSchema = z.object({
  type: z.literal('namespace'),
  name: z.string().min(1),
  description: optional(z.string()),
  tools: z.array(z.unknown()),
});

export const toolKindSchema = z.object({ type: z.string() });

const toolChoiceSchema = z.union(
  [z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.string(), name: optional(z.string()), mode: optional(z.string()) })],
  { error: `must be 'auto', 'none', 'required' or an object such as {"type":"function","name":...}` },
);

const textFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: optional(z.string()),
    description: optional(z.string()),
    schema: jsonObject,
    strict: optional(z.boolean()),
  }),
]);

const tokenCount = z.number().int().nonnegative();

const requestBodyShape = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())], { error: 'must be a string or an array of input items' }),
  instructions: optional(z.string()),
  tools: optional(z.array(z.unknown())),
  tool_choice: optional(toolChoiceSchema),
  parallel_tool_calls: optional(z.boolean()),
  max_output_tokens: optional(tokenCount),
  temperature: optional(z.number()),
  top_p: optional(z.number()),
  reasoning: optional(
    z.object({
      effort: optional(reasoningEffortSchema),
      summary: optional(z.enum(['auto', 'concise', 'detailed'])),
    }),
  ),
  text: optional(z.object({ format: optional(textFormatSchema), verbosity: optional(z.string()) })),
  store: optional(z.boolean()),
  include: optional(z.array(z.string())),
  previous_response_id: optional(z.string()),
  user: optional(z.string()),
  safety_identifier: optional(z.string()),
  stream: optional(z.boolean()),
  background: optional(z.boolean()),
  conversation: optional(z.unknown()),
  prompt: optional(z.unknown()),
});

/** Compiled, like the Chat Completions schema: every Responses request is parsed with it. */
export const requestBodySchema = z.compile(requestBodyShape);

export type WireRequest = z.output<typeof requestBodyShape>;
export type WireContentPart = z.output<typeof contentPartSchema>;
export type WireMessageItem = z.output<typeof messageItemSchema>;
export type WireFunctionTool = z.output<typeof functionToolSchema>;
