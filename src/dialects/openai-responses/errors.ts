import type { GatewayError, GatewayErrorCode } from '../../canonical/gateway-error.js';
import type { JsonObject } from '../../canonical/json.js';
import { formatSse } from '../sse/sse-event.js';

/** HTTP errors are the same `{error:{message,type,param,code}}` shape on both OpenAI surfaces. */
export { encodeError, errorMessageFromBody } from '../openai-chat/errors.js';

/** The `code` OpenAI puts on a failed response (`response.error.code`) or an `error` event. */
export function responseErrorCode(code: GatewayErrorCode): string {
  switch (code) {
    case 'rate_limited':
      return 'rate_limit_exceeded';
    case 'overloaded':
    case 'no_capacity':
      return 'server_is_overloaded';
    case 'invalid_request':
      return 'invalid_request_error';
    case 'unauthorized':
    case 'forbidden':
    case 'not_found':
    case 'method_not_allowed':
    case 'conflict':
    case 'payload_too_large':
    case 'loop_detected':
    case 'upstream_error':
    case 'upstream_timeout':
    case 'internal':
      return 'server_error';
  }
}

/**
 * The `error` event. Its documented fields (`code`, `message`, `param`) are at the top level; the
 * live API also nests them under `error`, which is what makes the `openai` SDK raise an APIError
 * instead of handing the event on as data, so both are written.
 */
export function errorEventData(error: GatewayError, sequenceNumber: number | undefined): JsonObject {
  const code = responseErrorCode(error.code);
  const param = error.param ?? null;
  return {
    type: 'error',
    code,
    message: error.message,
    param,
    ...(sequenceNumber === undefined ? {} : { sequence_number: sequenceNumber }),
    error: { type: error.code === 'invalid_request' ? 'invalid_request_error' : 'server_error', code, message: error.message, param },
  };
}

/**
 * A failure Auxot detected after the first byte of a relayed stream (cut upstream, lost
 * connection). Without the stream's state there is no sequence number to give, so none is.
 */
export function encodeStreamError(error: GatewayError): string {
  return formatSse('error', JSON.stringify(errorEventData(error, undefined)));
}
