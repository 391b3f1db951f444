import type { ChatRequest } from '../../canonical/chat-request.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import type { PassthroughBody } from '../dialect.js';

/**
 * Same dialect upstream: the caller's bytes go out untouched unless the model must change or
 * metering needs usage. OpenAI streams report usage only when asked, so Auxot asks, and the extra
 * usage-only chunk is stripped again before the caller, who did not ask, sees it.
 */
export function preparePassthrough(request: ChatRequest, model: string): PassthroughBody {
  const body = request.source.body;
  const streamOptions = isJsonObject(body.stream_options) ? body.stream_options : {};
  const needsUsage = request.stream && streamOptions.include_usage !== true;
  if (body.model === model && !needsUsage) return { body: request.source.raw, stripUsageOnlyEvents: false };
  const patched: JsonObject = { ...body, model };
  if (needsUsage) patched.stream_options = { ...streamOptions, include_usage: true };
  return { body: JSON.stringify(patched), stripUsageOnlyEvents: needsUsage };
}
