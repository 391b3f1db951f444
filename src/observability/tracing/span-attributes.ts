import type { Attributes } from '@opentelemetry/api';
import type { GatewayError } from '../../canonical/gateway-error.js';
import type { ProviderKind } from '../../store/records.js';
import type { AttemptTraceStart, RequestTraceEnd } from '../request-trace.js';

/**
 * Span attributes: the GenAI semantic conventions where they define one
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/), `auxot.*` for the routing
 * decisions only a gateway knows. Never message content: prompts and completions stay out.
 */

/** `{gen_ai.operation.name} {gen_ai.request.model}`, as the conventions name inference spans. */
export function spanName(model: string | undefined): string {
  return model === undefined ? 'chat' : `chat ${model.slice(0, 100)}`;
}

/** The conventions' well-known provider names for the vendors; other providers by their Auxot name. */
function genAiProviderName(kind: ProviderKind, name: string): string {
  switch (kind) {
    case 'openai':
      return 'openai';
    case 'anthropic':
      return 'anthropic';
    case 'openai-compatible':
    case 'gpu-worker':
    case 'cli-worker':
      return name;
  }
}

export function attemptAttributes(start: AttemptTraceStart): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': genAiProviderName(start.providerKind, start.providerName),
    'gen_ai.request.model': start.model,
    'auxot.provider': start.providerName,
    'auxot.provider.kind': start.providerKind,
    'auxot.tier': start.tier,
  };
}

export function failureAttributes(error: GatewayError): Attributes {
  const attributes: Attributes = { 'error.type': error.code };
  if (error.upstreamStatus !== undefined) attributes['http.response.status_code'] = error.upstreamStatus;
  return attributes;
}

/** What the answering attempt learned: the model and id the upstream gave, usage, finish reason. */
export function responseAttributes({ record, responseModel, responseId }: RequestTraceEnd): Attributes {
  const attributes: Attributes = {
    'gen_ai.usage.input_tokens': record.inputTokens,
    'gen_ai.usage.output_tokens': record.outputTokens,
  };
  const model = responseModel ?? record.providerModel;
  if (model !== null) attributes['gen_ai.response.model'] = model;
  if (responseId !== undefined) attributes['gen_ai.response.id'] = responseId;
  if (record.finishReason !== null) attributes['gen_ai.response.finish_reasons'] = [record.finishReason];
  if (record.cacheReadTokens > 0) attributes['gen_ai.usage.cache_read.input_tokens'] = record.cacheReadTokens;
  if (record.cacheWriteTokens > 0) attributes['gen_ai.usage.cache_creation.input_tokens'] = record.cacheWriteTokens;
  if (record.reasoningTokens > 0) attributes['auxot.usage.reasoning_tokens'] = record.reasoningTokens;
  return attributes;
}

/** The request span: what was asked, where it went (route, tier, provider), how long it queued, how it ended. */
export function requestEndAttributes(end: RequestTraceEnd, answered: AttemptTraceStart | undefined): Attributes {
  const { record, request } = end;
  const attributes: Attributes = {
    'http.response.status_code': record.status,
    'auxot.stream': record.stream,
  };
  if (record.modelRequested !== null) attributes['gen_ai.request.model'] = record.modelRequested;
  if (record.keyId !== null) attributes['auxot.key_id'] = record.keyId;
  if (record.route !== null) attributes['auxot.route'] = record.route;
  if (record.tier !== null) attributes['auxot.tier'] = record.tier;
  if (record.queueMs !== null) attributes['auxot.queue.wait_ms'] = Math.round(record.queueMs * 10) / 10;
  if (record.firstByteMs !== null) attributes['auxot.time_to_first_token_ms'] = Math.round(record.firstByteMs * 10) / 10;
  if (record.workerId !== null) attributes['auxot.worker_id'] = record.workerId;
  if (record.errorCode !== null) attributes['error.type'] = record.errorCode;
  if (answered !== undefined) {
    attributes['gen_ai.provider.name'] = genAiProviderName(answered.providerKind, answered.providerName);
    attributes['auxot.provider'] = answered.providerName;
    Object.assign(attributes, responseAttributes(end));
  }
  if (request !== undefined) {
    if (request.maxOutputTokens !== undefined) attributes['gen_ai.request.max_tokens'] = request.maxOutputTokens;
    if (request.temperature !== undefined) attributes['gen_ai.request.temperature'] = request.temperature;
    if (request.topP !== undefined) attributes['gen_ai.request.top_p'] = request.topP;
    if (request.topK !== undefined) attributes['gen_ai.request.top_k'] = request.topK;
  }
  return attributes;
}
