import { z } from 'zod';
import { wireUsageSchema } from './usage.js';

/**
 * The Anthropic SSE events, as an upstream sends them. Loose objects: Anthropic adds fields (and
 * pads its JSON with spaces) without notice, and a gateway must not break on either.
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 */

const blockIndex = z.number().int().nonnegative();

export const messageStartSchema = z.looseObject({
  message: z.looseObject({ id: z.string(), model: z.string(), usage: wireUsageSchema.nullish() }),
});

export const contentBlockStartSchema = z.looseObject({
  index: blockIndex,
  content_block: z.looseObject({ type: z.string() }),
});

export const textStartSchema = z.looseObject({ text: z.string().nullish() });
export const thinkingStartSchema = z.looseObject({ thinking: z.string().nullish(), signature: z.string().nullish() });
export const redactedThinkingStartSchema = z.looseObject({ data: z.string() });
export const toolUseStartSchema = z.looseObject({ id: z.string(), name: z.string(), input: z.unknown().optional() });

export const contentBlockDeltaSchema = z.looseObject({
  index: blockIndex,
  delta: z.looseObject({ type: z.string() }),
});

export const textDeltaSchema = z.looseObject({ text: z.string() });
export const inputJsonDeltaSchema = z.looseObject({ partial_json: z.string() });
export const thinkingDeltaSchema = z.looseObject({ thinking: z.string() });
export const signatureDeltaSchema = z.looseObject({ signature: z.string() });

export const contentBlockStopSchema = z.looseObject({ index: blockIndex });

export const messageDeltaSchema = z.looseObject({
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }).nullish(),
  usage: wireUsageSchema.nullish(),
});

export const errorEventSchema = z.looseObject({
  error: z.looseObject({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
});
