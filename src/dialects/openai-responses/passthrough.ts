import type { ChatRequest } from '../../canonical/chat-request.js';
import type { PassthroughBody } from '../dialect.js';

/**
 * Same dialect upstream (OpenAI's own `/v1/responses`): the caller's bytes go out untouched unless
 * the model must change. Usage always arrives in `response.completed`, so nothing is added.
 */
export function preparePassthrough(request: ChatRequest, model: string): PassthroughBody {
  const body = request.source.body;
  if (body.model === model) return { body: request.source.raw, stripUsageOnlyEvents: false };
  return { body: JSON.stringify({ ...body, model }), stripUsageOnlyEvents: false };
}
