import { z } from 'zod';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';

/**
 * Zod schemas for the Anthropic Messages request body, validated piece by piece so an error names
 * the exact field. Every optional field is `nullish`: Claude Code sends `temperature: null` and
 * `tool_choice: null`, which mean "absent". Objects are loose: unknown fields stay in
 * `source.body` for passthrough instead of failing the request.
 * @see https://docs.claude.com/en/api/messages
 */

export const jsonObjectSchema = z.custom<JsonObject>(isJsonObject, { error: 'must be an object' });

/** A content block before its type is known; each type is validated by its own schema below. */
export const looseBlockSchema = z.looseObject({ type: z.string() });
export type LooseBlock = z.infer<typeof looseBlockSchema>;

export const contentSchema = z.union([z.string(), z.array(looseBlockSchema)], {
  error: 'must be a string or an array of content blocks',
});
export type WireContent = z.infer<typeof contentSchema>;

export const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.unknown()).min(1),
  system: contentSchema.nullish(),
  tools: z.array(z.unknown()).nullish(),
  tool_choice: z.unknown().optional(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  thinking: z.unknown().optional(),
  output_config: z.unknown().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
});

export const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: contentSchema,
});

export const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

const base64SourceSchema = z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() });
const urlSourceSchema = z.looseObject({ type: z.literal('url'), url: z.string().min(1) });
const fileSourceSchema = z.looseObject({ type: z.literal('file'), file_id: z.string() });

export const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64SourceSchema, urlSourceSchema, fileSourceSchema]),
});
export type WireImageBlock = z.infer<typeof imageBlockSchema>;

export const documentBlockSchema = z.looseObject({
  type: z.literal('document'),
  title: z.string().nullish(),
  source: z.discriminatedUnion('type', [
    base64SourceSchema,
    urlSourceSchema,
    fileSourceSchema,
    z.looseObject({ type: z.literal('text'), media_type: z.string().nullish(), data: z.string() }),
    z.looseObject({ type: z.literal('content'), content: contentSchema }),
  ]),
});

export const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: contentSchema.nullish(),
  is_error: z.boolean().nullish(),
});

export const thinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().nullish(),
});

export const redactedThinkingBlockSchema = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

export const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: jsonObjectSchema,
});

/** Just enough to tell a custom tool (no type, or `custom`) from a server tool. */
export const toolKindSchema = z.looseObject({ type: z.string().nullish() });

export const customToolSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  input_schema: jsonObjectSchema,
});

const parallelFlag = { disable_parallel_tool_use: z.boolean().nullish() };
export const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallelFlag }),
  z.looseObject({ type: z.literal('any'), ...parallelFlag }),
  z.looseObject({ type: z.literal('none'), ...parallelFlag }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallelFlag }),
]);

export const thinkingConfigSchema = z.looseObject({
  type: z.string(),
  budget_tokens: z.number().int().positive().nullish(),
});

export const outputConfigSchema = z.looseObject({
  effort: z.string().nullish(),
  format: z.looseObject({ type: z.string(), schema: jsonObjectSchema.nullish() }).nullish(),
});
