import { z } from 'zod';
import type { JsonObject } from '../../canonical/json.js';
import { isJsonObject } from '../../canonical/json.js';
import type { Usage } from '../../canonical/usage.js';
import { usageFromWire, wireUsageSchema } from '../../dialects/anthropic-messages/usage.js';

/**
 * One line of `claude -p --output-format stream-json --verbose` output, reduced to what the engine
 * acts on. The full set (~40 variants) is the `SDKMessage` union in @anthropic-ai/claude-agent-sdk's
 * `sdk.d.ts`; Claude Code adds variants over time, so unknown types are carried as `other`, never
 * rejected. Every line is untrusted input and goes through zod.
 * @see https://docs.claude.com/en/docs/claude-code/headless (output formats)
 */
export type CliLine =
  | { kind: 'init'; sessionId: string | undefined }
  /** A raw Anthropic stream event (`--include-partial-messages`); sub-agent events are not the main thread. */
  | { kind: 'stream-event'; event: JsonObject; isMainThread: boolean }
  | { kind: 'api-retry'; errorStatus: number | undefined; message: string }
  | { kind: 'rate-limit'; status: string; resetsAtSeconds: number | undefined; usingOverage: boolean; limitType: string | undefined }
  | { kind: 'result'; result: CliResult }
  | { kind: 'other'; type: string }
  /** Not JSON, or a known type whose fields are not what Claude Code documents. */
  | { kind: 'malformed'; type: string | undefined; detail: string };

/** The final `result` line. */
export interface CliResult {
  subtype: string;
  /** Authoritative: an API error still says `subtype: "success"` (docs/wire-formats.md §4.3). */
  isError: boolean;
  apiErrorStatus: number | undefined;
  /** The final text, or the error text ("API Error: 400 …", "You've hit your session limit · …"). */
  text: string | undefined;
  errors: string[];
  stopReason: string | undefined;
  terminalReason: string | undefined;
  costUsd: number | undefined;
  usage: Partial<Usage>;
  sessionId: string | undefined;
  numTurns: number | undefined;
  durationMs: number | undefined;
  durationApiMs: number | undefined;
}

const envelopeSchema = z.looseObject({ type: z.string(), subtype: z.string().nullish() });

const initSchema = z.looseObject({ session_id: z.string().nullish() });

const streamEventSchema = z.looseObject({
  event: z.custom<JsonObject>(isJsonObject, { error: 'must be an object' }),
  parent_tool_use_id: z.string().nullish(),
});

const apiRetrySchema = z.looseObject({
  error_status: z.number().nullish(),
  error: z.unknown(),
});

const rateLimitSchema = z.looseObject({
  rate_limit_info: z.looseObject({
    status: z.string(),
    resetsAt: z.number().nullish(),
    rateLimitType: z.string().nullish(),
    isUsingOverage: z.boolean().nullish(),
  }),
});

const resultSchema = z.looseObject({
  subtype: z.string(),
  is_error: z.boolean(),
  api_error_status: z.number().nullish(),
  result: z.string().nullish(),
  errors: z.array(z.string()).nullish(),
  stop_reason: z.string().nullish(),
  terminal_reason: z.string().nullish(),
  total_cost_usd: z.number().nonnegative().nullish(),
  usage: wireUsageSchema.nullish(),
  session_id: z.string().nullish(),
  num_turns: z.number().nullish(),
  duration_ms: z.number().nullish(),
  duration_api_ms: z.number().nullish(),
});

export function parseCliLine(text: string): CliLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', type: undefined, detail: 'not JSON' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'malformed', type: undefined, detail: 'no type' };
  const { type, subtype } = envelope.data;
  try {
    return classify(type, subtype ?? undefined, json);
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') : String(error);
    return { kind: 'malformed', type, detail };
  }
}

function classify(type: string, subtype: string | undefined, json: unknown): CliLine {
  switch (type) {
    case 'system':
      if (subtype === 'init') return { kind: 'init', sessionId: initSchema.parse(json).session_id ?? undefined };
      if (subtype === 'api_retry') return apiRetry(json);
      return { kind: 'other', type: `system/${subtype ?? ''}` };
    case 'stream_event': {
      const line = streamEventSchema.parse(json);
      return { kind: 'stream-event', event: line.event, isMainThread: line.parent_tool_use_id == null };
    }
    case 'rate_limit_event': {
      const info = rateLimitSchema.parse(json).rate_limit_info;
      return {
        kind: 'rate-limit',
        status: info.status,
        resetsAtSeconds: info.resetsAt ?? undefined,
        usingOverage: info.isUsingOverage ?? false,
        limitType: info.rateLimitType ?? undefined,
      };
    }
    case 'result':
      return { kind: 'result', result: toResult(resultSchema.parse(json)) };
    default:
      return { kind: 'other', type };
  }
}

function apiRetry(json: unknown): CliLine {
  const line = apiRetrySchema.parse(json);
  const detail = typeof line.error === 'string' ? line.error : JSON.stringify(line.error ?? null);
  return { kind: 'api-retry', errorStatus: line.error_status ?? undefined, message: detail };
}

function toResult(line: z.infer<typeof resultSchema>): CliResult {
  return {
    subtype: line.subtype,
    isError: line.is_error,
    apiErrorStatus: line.api_error_status ?? undefined,
    text: line.result ?? undefined,
    errors: line.errors ?? [],
    stopReason: line.stop_reason ?? undefined,
    terminalReason: line.terminal_reason ?? undefined,
    costUsd: line.total_cost_usd ?? undefined,
    usage: line.usage == null ? {} : usageFromWire(line.usage),
    sessionId: line.session_id ?? undefined,
    numTurns: line.num_turns ?? undefined,
    durationMs: line.duration_ms ?? undefined,
    durationApiMs: line.duration_api_ms ?? undefined,
  };
}
