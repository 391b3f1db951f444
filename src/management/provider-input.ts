import { z } from 'zod';
import type { ProviderKind, ProviderTier } from '../store/records.js';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible', 'gpu-worker', 'cli-worker'] as const satisfies readonly ProviderKind[];
const TIERS = ['gpu', 'cli', 'cloud'] as const satisfies readonly ProviderTier[];

const settingsSchema = z
  .object({
    maxConcurrency: z.number().int().positive().optional(),
    firstByteTimeoutMs: z.number().int().positive().optional(),
    idleTimeoutMs: z.number().int().positive().optional(),
    defaultMaxOutputTokens: z.number().int().positive().optional(),
    prices: z
      .record(
        z.string().min(1),
        z
          .object({
            inputPerMTok: z.number().nonnegative(),
            outputPerMTok: z.number().nonnegative(),
            cacheReadPerMTok: z.number().nonnegative().optional(),
            cacheWritePerMTok: z.number().nonnegative().optional(),
          })
          .strict(),
      )
      .describe('USD per million tokens by model name or * pattern; wins over the public price dataset')
      .optional(),
  })
  .strict();

const name = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, 'use 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** An http(s) URL with a host; written so the OpenAPI document can say exactly what is accepted. */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .regex(/^https?:\/\/[^\s/?#]+/, 'must be an http:// or https:// URL with a host')
  .meta({ format: 'uri' });

export const createProviderSchema = z
  .object({
    name,
    kind: z.enum(PROVIDER_KINDS, {
      error: (issue) => `unknown provider kind ${JSON.stringify(issue.input)}; expected one of ${PROVIDER_KINDS.join(', ')}`,
    }),
    tier: z.enum(TIERS).optional(),
    baseUrl: httpUrl.optional(),
    apiKey: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).min(1).optional(),
    settings: settingsSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const updateProviderSchema = z
  .object({
    tier: z.enum(TIERS).optional(),
    baseUrl: httpUrl.optional(),
    /** A new key, or null to remove the key. */
    apiKey: z.string().min(1).nullable().optional(),
    models: z.array(z.string().min(1)).min(1).optional(),
    settings: settingsSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export type CreateProviderInput = z.infer<typeof createProviderSchema>;
export type UpdateProviderInput = z.infer<typeof updateProviderSchema>;

/** What each kind gets when the caller leaves a field out. */
export const PROVIDER_DEFAULTS: Record<ProviderKind, { tier: ProviderTier; baseUrl?: string; models?: string[] }> = {
  openai: { tier: 'cloud', baseUrl: 'https://api.openai.com/v1', models: ['gpt-*', 'o1*', 'o3*', 'o4*', 'chatgpt-*', 'codex-*'] },
  anthropic: { tier: 'cloud', baseUrl: 'https://api.anthropic.com', models: ['claude-*'] },
  'openai-compatible': { tier: 'cloud' },
  'gpu-worker': { tier: 'gpu' },
  'cli-worker': { tier: 'cli' },
};
