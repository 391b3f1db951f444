import { z } from 'zod';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { ChatRequest, ModelRequest } from '../../canonical/chat-request.js';
import type { JsonObject } from '../../canonical/json.js';

/**
 * Zod mirrors of the canonical types that cross the worker socket. Messages from workers are
 * untrusted input, so every event is validated before it reaches a caller's stream.
 */
const jsonObject = z.record(z.string(), z.unknown()).transform((value) => value as JsonObject);
const text = z.object({ type: z.literal('text'), text: z.string() });
const mediaSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('base64'), mediaType: z.string(), data: z.string() }),
  z.object({ kind: z.literal('url'), url: z.string() }),
]);
const image = z.object({ type: z.literal('image'), source: mediaSource });
const documentPart = z.object({ type: z.literal('document'), source: mediaSource, filename: z.string().optional() });
const toolResult = z.object({
  type: z.literal('tool-result'),
  callId: z.string(),
  content: z.array(z.discriminatedUnion('type', [text, image])),
  isError: z.boolean(),
});
const reasoning = z.object({
  type: z.literal('reasoning'),
  text: z.string(),
  signature: z.string().optional(),
  redactedData: z.string().optional(),
});
const toolCall = z.object({ type: z.literal('tool-call'), callId: z.string(), name: z.string(), argumentsJson: z.string() });

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.array(z.discriminatedUnion('type', [text, image, documentPart, toolResult])) }),
  z.object({ role: z.literal('assistant'), content: z.array(z.discriminatedUnion('type', [text, reasoning, toolCall])) }),
]);


export const modelRequestSchema: z.ZodType<ModelRequest> = z.object({
  model: z.string(),
  system: z.array(text),
  messages: z.array(message),
  tools: z.array(z.object({ name: z.string(), description: z.string().optional(), inputSchema: jsonObject })),
  toolChoice: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('auto') }),
      z.object({ type: z.literal('none') }),
      z.object({ type: z.literal('required') }),
      z.object({ type: z.literal('tool'), name: z.string() }),
    ])
    .optional(),
  parallelToolCalls: z.boolean().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  topK: z.number().optional(),
  stopSequences: z.array(z.string()),
  reasoning: z
    .object({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
      budgetTokens: z.number().int().positive().optional(),
    })
    .optional(),
  responseFormat: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('json-object') }),
      z.object({ type: z.literal('json-schema'), name: z.string().optional(), schema: jsonObject, strict: z.boolean().optional() }),
    ])
    .optional(),
  endUserId: z.string().optional(),
  stream: z.boolean(),
  includeUsage: z.boolean(),
});

/** Strips what must not travel to a worker (the caller's raw bytes and headers). */
export function toModelRequest(request: ChatRequest): ModelRequest {
  const { source: _source, warnings: _warnings, ...rest } = request;
  return rest;
}

const usage = z
  .object({
    inputTokens: z.number().nonnegative(),
    outputTokens: z.number().nonnegative(),
    cacheReadTokens: z.number().nonnegative(),
    cacheWriteTokens: z.number().nonnegative(),
    reasoningTokens: z.number().nonnegative(),
  })
  .partial();

export const wireErrorSchema = z.object({
  code: z.enum([
    'invalid_request',
    'unauthorized',
    'forbidden',
    'not_found',
    'method_not_allowed',
    'conflict',
    'payload_too_large',
    'rate_limited',
    'overloaded',
    'no_capacity',
    'upstream_error',
    'upstream_timeout',
    'loop_detected',
    'internal',
  ]),
  message: z.string().max(4000),
  retryable: z.boolean().optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

const index = z.number().int().nonnegative();
const finishReason = z.object({
  unified: z.enum(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']),
  raw: z.string().optional(),
});

/** ChatEvents on the wire; `error` carries a plain WireError instead of a GatewayError instance. */
export const wireEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('response-start'), id: z.string(), model: z.string() }),
  z.object({ type: z.literal('text-start'), index }),
  z.object({ type: z.literal('text-delta'), index, text: z.string() }),
  z.object({ type: z.literal('text-end'), index }),
  z.object({ type: z.literal('reasoning-start'), index, redactedData: z.string().optional() }),
  z.object({ type: z.literal('reasoning-delta'), index, text: z.string() }),
  z.object({ type: z.literal('reasoning-end'), index, signature: z.string().optional() }),
  z.object({ type: z.literal('tool-call-start'), index, callId: z.string(), name: z.string() }),
  z.object({ type: z.literal('tool-call-delta'), index, argumentsJson: z.string() }),
  z.object({ type: z.literal('tool-call-end'), index }),
  z.object({ type: z.literal('usage'), usage }),
  z.object({ type: z.literal('response-end'), finishReason, stopSequence: z.string().optional() }),
  z.object({ type: z.literal('error'), error: wireErrorSchema }),
]);
export type WireEvent = z.infer<typeof wireEventSchema>;

/** Events are identical on the wire except errors, which travel as plain objects. */
export function toWireEvent(event: ChatEvent): WireEvent {
  if (event.type !== 'error') return event;
  return { type: 'error', error: { code: event.error.code, message: event.error.message, retryable: event.error.retryable } };
}
