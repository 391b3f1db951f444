import type { GatewayError, GatewayErrorCode } from '../../canonical/gateway-error.js';
import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import type { EncodedError } from '../dialect.js';
import { formatSse } from '../sse/sse-event.js';

interface WireErrorKind {
  status: number;
  type: string;
  code: string | null;
}

/** OpenAI's own status/type/code pairs, so SDKs raise the matching `APIError` subclass. */
function kindFor(code: GatewayErrorCode): WireErrorKind {
  switch (code) {
    case 'invalid_request':
      return { status: 400, type: 'invalid_request_error', code: null };
    case 'unauthorized':
      return { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' };
    case 'forbidden':
      return { status: 403, type: 'permission_error', code: null };
    case 'not_found':
      return { status: 404, type: 'invalid_request_error', code: 'model_not_found' };
    case 'method_not_allowed':
      return { status: 405, type: 'invalid_request_error', code: null };
    case 'conflict':
      return { status: 409, type: 'invalid_request_error', code: 'conflict' };
    case 'payload_too_large':
      return { status: 413, type: 'invalid_request_error', code: 'request_too_large' };
    case 'rate_limited':
      return { status: 429, type: 'requests', code: 'rate_limit_exceeded' };
    case 'no_capacity':
      return { status: 429, type: 'requests', code: 'no_capacity' };
    case 'overloaded':
      return { status: 503, type: 'server_error', code: 'overloaded' };
    case 'upstream_error':
      return { status: 502, type: 'server_error', code: 'upstream_error' };
    case 'upstream_timeout':
      return { status: 504, type: 'server_error', code: 'upstream_timeout' };
    case 'loop_detected':
      return { status: 508, type: 'server_error', code: 'loop_detected' };
    case 'internal':
      return { status: 500, type: 'server_error', code: null };
  }
}

function errorObject(error: GatewayError): JsonObject {
  const kind = kindFor(error.code);
  // `model_not_found` only when the model is what was not found (not an unknown endpoint or id).
  const code = error.code === 'not_found' && error.param !== 'model' ? null : kind.code;
  return { message: error.message, type: kind.type, param: error.param ?? null, code };
}

/**
 * The HTTP error response. Both Stainless SDKs honour `retry-after-ms` / `retry-after` and obey
 * `x-should-retry`, which stops pointless client retries of errors that will not heal
 * (docs/wire-formats.md §1.4; openai-node `shouldRetry`).
 */
export function encodeError(error: GatewayError, requestId?: string): EncodedError {
  const headers: Record<string, string> = {};
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  if (error.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
  }
  if (!error.retryable) headers['x-should-retry'] = 'false';
  return { status: kindFor(error.code).status, body: { error: errorObject(error) }, headers };
}

/** After the 200 has gone out: the `openai` SDK throws `APIError` for any data object with an `error` key. */
export function encodeStreamError(error: GatewayError): string {
  return formatSse(undefined, JSON.stringify({ error: errorObject(error) }));
}

/**
 * OpenAI and most compatible servers answer `{error:{message}}`; Ollama and some proxies answer
 * `{error:"..."}`.
 */
export function errorMessageFromBody(body: unknown): string | undefined {
  if (!isJsonObject(body)) return undefined;
  const error = body.error;
  if (typeof error === 'string' && error !== '') return error;
  if (isJsonObject(error) && typeof error.message === 'string' && error.message !== '') return error.message;
  return undefined;
}
