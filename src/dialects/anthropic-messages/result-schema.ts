import { z } from 'zod';
import { wireUsageSchema } from './usage.js';
import { looseBlockSchema } from './wire-schema.js';

/** @see https://docs.claude.com/en/api/messages (response) */
export const resultMessageSchema = z.looseObject({
  id: z.string(),
  model: z.string(),
  content: z.array(looseBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: wireUsageSchema,
});

export const errorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: z.looseObject({ type: z.string().nullish(), message: z.string().nullish() }),
});
