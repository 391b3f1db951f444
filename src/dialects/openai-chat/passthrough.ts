import type { ChatRequest } from '../../canonical/chat-request.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import type { PassthroughBody, UpstreamTarget } from '../dialect.js';

/**
 * Same dialect upstream: the caller's bytes go out untouched unless the model must change, a
 * policy lowered the output limit, or metering needs usage. OpenAI streams report usage only when
 * asked, so Auxot asks, and the extra usage-only chunk is stripped again before the caller, who
 * did not ask, sees it.
 */
export function preparePassthrough(request: ChatRequest, model: string, target: Pick<UpstreamTarget, 'maxTokensField'> = {}): PassthroughBody {
  const body = request.source.body;
  const streamOptions = isJsonObject(body.stream_options) ? body.stream_options : {};
  const needsUsage = request.stream && streamOptions.include_usage !== true;
  const limitField = lowerLimitField(body, request.maxOutputTokens, target.maxTokensField ?? 'max_tokens');
  if (body.model === model && !needsUsage && limitField === undefined) return { body: request.source.raw, stripUsageOnlyEvents: false };
  const patched: JsonObject = { ...body, model };
  if (needsUsage) patched.stream_options = { ...streamOptions, include_usage: true };
  if (limitField !== undefined && request.maxOutputTokens !== undefined) patched[limitField] = request.maxOutputTokens;
  return { body: JSON.stringify(patched), stripUsageOnlyEvents: needsUsage };
}

/** The field to write when the canonical limit is below what the body asks (a policy's cap). */
function lowerLimitField(body: JsonObject, limit: number | undefined, preferred: 'max_tokens' | 'max_completion_tokens'): string | undefined {
  if (limit === undefined) return undefined;
  const completion = body.max_completion_tokens;
  const legacy = body.max_tokens;
  if (typeof completion === 'number') return completion > limit ? 'max_completion_tokens' : undefined;
  if (typeof legacy === 'number') return legacy > limit ? 'max_tokens' : undefined;
  return preferred;
}
