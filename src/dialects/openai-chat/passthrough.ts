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
  // The common stream: nothing to change but the usage request. It goes into the caller's bytes,
  // saving a serialization of the whole body before every streamed request (~15 µs at c=1).
  if (body.model === model && limitField === undefined && !('stream_options' in body)) {
    const spliced = withLeadingMember(request.source.raw, INCLUDE_USAGE_MEMBER);
    if (spliced !== undefined) return { body: spliced, stripUsageOnlyEvents: true };
  }
  const patched: JsonObject = { ...body, model };
  if (needsUsage) patched.stream_options = { ...streamOptions, include_usage: true };
  if (limitField !== undefined && request.maxOutputTokens !== undefined) patched[limitField] = request.maxOutputTokens;
  return { body: JSON.stringify(patched), stripUsageOnlyEvents: needsUsage };
}

const INCLUDE_USAGE_MEMBER = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * `raw` with `member` (a `"key":value,` pair) inserted right after the object's opening brace, or
 * undefined when `raw` does not start with one (after JSON whitespace). The body was parsed as a
 * non-empty object without that key, so the result is the same object with one member more.
 */
function withLeadingMember(raw: Buffer, member: Buffer): Buffer | undefined {
  let start = 0;
  while (start < raw.length && (raw[start] === 0x20 || raw[start] === 0x09 || raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  if (raw[start] !== 0x7b) return undefined;
  return Buffer.concat([raw.subarray(0, start + 1), member, raw.subarray(start + 1)]);
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
