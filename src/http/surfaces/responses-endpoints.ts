import { isJsonObject, type JsonValue } from '../../canonical/json.js';
import { ResponseCapture } from '../../gateway/responses/response-capture.js';
import { storedRecord, type StoredResponses } from '../../gateway/responses/stored-responses.js';
import { answerableError } from '../../gateway/unexpected-error.js';
import { callerKey } from '../caller-key.js';
import type { RouteHandler } from '../router.js';
import { sendDialectError, sendJson } from '../send.js';
import type { ChatEndpointHooks } from './chat-endpoint.js';
import type { SurfaceContext, SurfaceDialect } from './surface-context.js';

/**
 * `POST /v1/responses` around the common chat path: `previous_response_id` is resolved from
 * Auxot's own store before decoding, and unless the caller said `store: false` (Codex does) the
 * answer it receives is kept for later turns and for `GET /v1/responses/{id}`.
 */
export function responsesHooks(context: SurfaceContext, stored: StoredResponses): ChatEndpointHooks {
  return {
    async prepare(body, principal) {
      const expanded = await stored.expand(body, principal);
      if (isJsonObject(body) && body.store === false) return { body: expanded.body };
      return {
        body: expanded.body,
        watch: (sink) =>
          new ResponseCapture(sink, (response) => {
            const record = storedRecord(principal, expanded.input, response, context.clock.now());
            if (record !== undefined) stored.save(record);
          }),
      };
    },
  };
}

/** `GET /v1/responses/{id}`: the Response object as the caller first received it. */
export function getResponseEndpoint(context: SurfaceContext, stored: StoredResponses, { dialect }: SurfaceDialect): RouteHandler {
  return async (request, response, params) => {
    try {
      const principal = await context.authenticator.authenticate(callerKey(request.headers));
      const record = await stored.get(principal, params.id ?? '');
      sendJson(response, 200, record.response);
    } catch (error) {
      sendDialectError(response, dialect, answerableError(error, context.logger, { surface: 'openai-responses' }));
    }
  };
}

/** `GET /v1/responses/{id}/input_items`: the items the answer was given, earlier turns included. */
export function responseInputItemsEndpoint(context: SurfaceContext, stored: StoredResponses, { dialect }: SurfaceDialect): RouteHandler {
  return async (request, response, params) => {
    try {
      const principal = await context.authenticator.authenticate(callerKey(request.headers));
      const record = await stored.get(principal, params.id ?? '');
      const data = record.input as JsonValue[];
      const idOf = (item: JsonValue | undefined): JsonValue => (isJsonObject(item) && typeof item.id === 'string' ? item.id : null);
      sendJson(response, 200, { object: 'list', data, first_id: idOf(data[0]), last_id: idOf(data.at(-1)), has_more: false });
    } catch (error) {
      sendDialectError(response, dialect, answerableError(error, context.logger, { surface: 'openai-responses' }));
    }
  };
}

/** `DELETE /v1/responses/{id}`. */
export function deleteResponseEndpoint(context: SurfaceContext, stored: StoredResponses, { dialect }: SurfaceDialect): RouteHandler {
  return async (request, response, params) => {
    try {
      const principal = await context.authenticator.authenticate(callerKey(request.headers));
      const id = params.id ?? '';
      await stored.delete(principal, id);
      sendJson(response, 200, { id, object: 'response', deleted: true });
    } catch (error) {
      sendDialectError(response, dialect, answerableError(error, context.logger, { surface: 'openai-responses' }));
    }
  };
}
