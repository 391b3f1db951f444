import { redactCredentials } from '../platform/redact-credentials.js';
import type { RateLimitSnapshot } from './rate-limits.js';

/**
 * The one error type. Every failure a caller can see is a GatewayError with a code from this closed
 * set; each dialect renders it in its own wire format (status, body, in-stream frame).
 */
/**
 * `overloaded` is an upstream saying it is overloaded (HTTP 503/529); `no_capacity` is Auxot itself
 * having no free candidate within the queue bounds. `rate_limited` is a rate limit, upstream or ours.
 */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'overloaded'
  | 'no_capacity'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'loop_detected'
  | 'internal';

export interface GatewayErrorOptions {
  /** True when another attempt (another provider, or later) may succeed. */
  retryable?: boolean;
  retryAfterMs?: number;
  /** The request field at fault, for `invalid_request`. */
  param?: string;
  /** HTTP status the upstream answered with, when the error came from one. */
  upstreamStatus?: number;
  /** Where the caller stands against its limits (a limit refusal carries it, for the headers). */
  rateLimits?: RateLimitSnapshot;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly param: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly rateLimits: RateLimitSnapshot | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.retryable = options.retryable ?? defaultRetryable(code);
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
    this.upstreamStatus = options.upstreamStatus;
    this.rateLimits = options.rateLimits;
  }
}

function defaultRetryable(code: GatewayErrorCode): boolean {
  switch (code) {
    case 'rate_limited':
    case 'overloaded':
    case 'no_capacity':
    case 'upstream_error':
    case 'upstream_timeout':
      return true;
    case 'invalid_request':
    case 'unauthorized':
    case 'forbidden':
    case 'not_found':
    case 'method_not_allowed':
    case 'conflict':
    case 'payload_too_large':
    case 'loop_detected':
    case 'internal':
      return false;
  }
}

/** The HTTP status a code maps to when no dialect-specific status applies. */
export function statusForCode(code: GatewayErrorCode): number {
  switch (code) {
    case 'invalid_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'overloaded':
      return 503;
    case 'no_capacity':
      return 429;
    case 'upstream_error':
      return 502;
    case 'upstream_timeout':
      return 504;
    case 'loop_detected':
      return 508;
    case 'internal':
      return 500;
  }
}

/**
 * The same error with credentials removed from its message: for text that came from an upstream or
 * a worker, before it reaches a caller, a record or a log.
 */
export function withRedactedMessage(error: GatewayError): GatewayError {
  const message = redactCredentials(error.message);
  if (message === error.message) return error;
  return new GatewayError(error.code, message, {
    retryable: error.retryable,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.param === undefined ? {} : { param: error.param }),
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
  });
}

/** Wraps anything thrown into a GatewayError without losing an existing one. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('internal', `Internal error: ${message}`, { cause: error });
}

/** Classifies an upstream HTTP error status so the router knows whether to try the next provider. */
export function errorFromUpstreamStatus(status: number, message: string, retryAfterMs?: number): GatewayError {
  const options = { upstreamStatus: status, retryAfterMs };
  if (status === 400 || status === 422) return new GatewayError('invalid_request', message, options);
  if (status === 404) return new GatewayError('not_found', message, options);
  if (status === 413) return new GatewayError('payload_too_large', message, options);
  if (status === 429) return new GatewayError('rate_limited', message, options);
  if (status === 503 || status === 529) return new GatewayError('overloaded', message, options);
  if (status === 408 || status === 504) return new GatewayError('upstream_timeout', message, options);
  // 401/403 from an upstream mean the provider's own credentials are wrong: not the caller's fault,
  // and another provider may well work.
  if (status === 401 || status === 403 || status === 409 || status >= 500) {
    return new GatewayError('upstream_error', message, { ...options, retryable: true });
  }
  return new GatewayError('upstream_error', message, { ...options, retryable: false });
}
