import type { ChatRequest } from '../../canonical/chat-request.js';
import type { PassthroughBody } from '../dialect.js';

/**
 * Same dialect upstream: the caller's bytes go out untouched unless the route changed the model or
 * a policy lowered `max_tokens`. Nothing else is patched; `anthropic-beta` features,
 * `context_management`, server tools and cache hints all survive (stripping them is a known
 * gateway bug, Exgentic/exgentic#99). Anthropic always reports usage, so there is no usage-only
 * event to strip.
 */
export function preparePassthrough(request: ChatRequest, model: string): PassthroughBody {
  const source = request.source;
  const limit = request.maxOutputTokens;
  const lowered = limit !== undefined && typeof source.body.max_tokens === 'number' && source.body.max_tokens > limit;
  if (source.body.model === model && !lowered) return { body: source.raw, stripUsageOnlyEvents: false };
  return { body: JSON.stringify({ ...source.body, model, ...(lowered ? { max_tokens: limit } : {}) }), stripUsageOnlyEvents: false };
}
