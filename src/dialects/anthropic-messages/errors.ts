import { z } from 'zod';
import { GatewayError, type GatewayErrorCode } from '../../canonical/gateway-error.js';
import { formatSse } from '../sse/sse-event.js';
import type { EncodedError } from '../dialect.js';

/** @see https://docs.claude.com/en/api/errors */
type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'overloaded_error'
  | 'api_error'
  | 'timeout_error';

interface WireErrorKind {
  status: number;
  type: AnthropicErrorType;
}

/**
 * `no_capacity` is Auxot's own queue being full; it is rendered as Anthropic's 529 because that is
 * what Anthropic clients (Claude Code included) already retry with back-off.
 */
function wireErrorKind(code: GatewayErrorCode): WireErrorKind {
  switch (code) {
    case 'invalid_request':
      return { status: 400, type: 'invalid_request_error' };
    case 'unauthorized':
      return { status: 401, type: 'authentication_error' };
    case 'forbidden':
      return { status: 403, type: 'permission_error' };
    case 'not_found':
      return { status: 404, type: 'not_found_error' };
    case 'method_not_allowed':
      return { status: 405, type: 'invalid_request_error' };
    case 'conflict':
      return { status: 409, type: 'invalid_request_error' };
    case 'payload_too_large':
      return { status: 413, type: 'request_too_large' };
    case 'rate_limited':
      return { status: 429, type: 'rate_limit_error' };
    case 'no_capacity':
    case 'overloaded':
      return { status: 529, type: 'overloaded_error' };
    case 'upstream_error':
      return { status: 502, type: 'api_error' };
    case 'upstream_timeout':
      return { status: 504, type: 'timeout_error' };
    case 'loop_detected':
      return { status: 508, type: 'api_error' };
    case 'internal':
      return { status: 500, type: 'api_error' };
  }
}

/**
 * The Stainless SDKs honour `retry-after-ms`, `retry-after` and `x-should-retry`, so a policy
 * denial can stop pointless client retries (docs/wire-formats.md §1.4).
 */
export function encodeError(error: GatewayError, requestId?: string): EncodedError {
  const kind = wireErrorKind(error.code);
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
  }
  if (!error.retryable) headers['x-should-retry'] = 'false';
  return {
    status: kind.status,
    body: {
      type: 'error',
      error: { type: kind.type, message: error.message },
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
    headers,
  };
}

/** The frame Anthropic itself sends for failures after the 200; the SDK throws an APIError on it. */
export function encodeStreamError(error: GatewayError): string {
  const payload = { type: 'error', error: { type: wireErrorKind(error.code).type, message: error.message } };
  return formatSse('error', JSON.stringify(payload));
}

const errorBodySchema = z.looseObject({ error: z.looseObject({ message: z.string() }) });

export function errorMessageFromBody(body: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(typeof body === 'string' ? safeJsonParse(body) : body);
  return parsed.success ? parsed.data.error.message : undefined;
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An upstream's in-stream `error` event, classified so the router and the caller see the right code. */
export function errorFromWire(type: string | undefined, message: string): GatewayError {
  return new GatewayError(codeFromWireType(type), message);
}

function codeFromWireType(type: string | undefined): GatewayErrorCode {
  switch (type) {
    case 'overloaded_error':
      return 'overloaded';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'invalid_request_error':
      return 'invalid_request';
    case 'not_found_error':
      return 'not_found';
    case 'request_too_large':
      return 'payload_too_large';
    case 'timeout_error':
      return 'upstream_timeout';
    default:
      // authentication/permission errors concern Auxot's own upstream credentials, not the caller.
      return 'upstream_error';
  }
}

/** A stream event that breaks the protocol: the upstream's fault, and the end of that stream. */
export function malformedEvent(detail: string): GatewayError {
  return new GatewayError('upstream_error', `Malformed event from upstream: ${detail}`);
}
