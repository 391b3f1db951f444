import type { ChatRequest } from '../../../canonical/chat-request.js';
import type { JsonObject } from '../../../canonical/json.js';
import { decodeRequest } from '../decode-request.js';

/** A decoded Responses request, so encoder tests see the caller's body (echoed fields, include, namespaces). */
export function responsesRequest(fields: JsonObject = {}): ChatRequest {
  return decodeRequest({ model: 'gpt-5', input: 'hi', stream: true, ...fields });
}
