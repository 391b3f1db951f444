import { z } from 'zod';
import type { AssistantPart, ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { JsonObject } from '../../canonical/json.js';
import { emptyUsage } from '../../canonical/usage.js';
import type { DialectDependencies } from '../dialect.js';
import { finishReasonFromWire, finishReasonToWire } from './finish-reason.js';
import { errorFromUpstreamPayload } from './upstream-error.js';
import { usageFromWire, usageToWire } from './usage.js';

const nullishString = z.string().nullish();

/**
 * Only what Auxot reads; everything else an upstream adds (llama.cpp `timings`, ...) passes.
 * Compiled: every non-streaming passthrough answer is read with it for metering.
 */
const resultSchema = z.compile(z.object({
  id: nullishString,
  model: nullishString,
  choices: z
    .array(
      z.object({
        message: z.object({
          content: nullishString,
          refusal: nullishString,
          reasoning_content: nullishString,
          reasoning: nullishString,
          tool_calls: z
            .array(z.object({ id: nullishString, function: z.object({ name: z.string(), arguments: z.string().nullish() }) }))
            .nullish(),
        }),
        finish_reason: nullishString,
      }),
    )
    .min(1),
  usage: z.unknown().optional(),
}));

/** A non-streaming Chat Completions answer → ChatResult. */
export function decodeResult(body: unknown, deps: Pick<DialectDependencies, 'newId'>): ChatResult {
  if (typeof body === 'object' && body !== null && 'error' in body && body.error !== null && body.error !== undefined) {
    throw errorFromUpstreamPayload(body);
  }
  const parsed = resultSchema.safeParse(body);
  if (!parsed.success) {
    throw new GatewayError('upstream_error', `malformed response from upstream: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const { id, model, choices, usage } = parsed.data;
  const [choice] = choices;
  if (choice === undefined) throw new GatewayError('upstream_error', 'malformed response from upstream: no choices');
  const { message } = choice;
  const content: AssistantPart[] = [];
  const reasoning = message.reasoning_content || message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (message.content) content.push({ type: 'text', text: message.content });
  if (message.refusal) content.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    content.push({ type: 'tool-call', callId: call.id || deps.newId('call_'), name: call.function.name, argumentsJson: call.function.arguments ?? '' });
  }
  const sawToolCall = content.some((part) => part.type === 'tool-call');
  return {
    id: id || deps.newId('chatcmpl-'),
    model: model ?? '',
    content,
    finishReason: finishReasonFromWire(choice.finish_reason ?? undefined, sawToolCall),
    usage: usage === undefined || usage === null ? { ...emptyUsage } : usageFromWire(usage),
  };
}

/** A whole answer as OpenAI's non-streaming response body. */
export function encodeResult(result: ChatResult, request: ChatRequest, deps: DialectDependencies): JsonObject {
  const texts = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  const reasoning = result.content.flatMap((part) => (part.type === 'reasoning' ? [part.text] : [])).join('');
  const toolCalls = result.content.flatMap((part) =>
    part.type === 'tool-call'
      ? [{ id: part.callId, type: 'function', function: { name: part.name, arguments: part.argumentsJson } }]
      : [],
  );
  const message: JsonObject = {
    role: 'assistant',
    // Texts join without a separator, as the same answer's streamed deltas would.
    content: texts.length === 0 ? null : texts.join(''),
    refusal: null,
    annotations: [],
    ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
    ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
  };
  return {
    id: result.id || deps.newId('chatcmpl-'),
    object: 'chat.completion',
    created: deps.nowSeconds(),
    model: result.model || request.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonToWire(result.finishReason, toolCalls.length > 0) }],
    usage: usageToWire(result.usage),
    system_fingerprint: null,
  };
}
