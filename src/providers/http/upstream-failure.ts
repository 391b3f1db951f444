import { GatewayError } from '../../canonical/gateway-error.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** True when the error is our own abort (the caller hung up or the call was cancelled). */
export function isAbortError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR';
}

/**
 * Network-level failures talking to an upstream. All are retryable on another provider: before
 * response headers nothing has reached the caller, and the upstream cannot have started billing
 * work it never received.
 */
export function upstreamNetworkError(providerName: string, error: unknown): GatewayError {
  const code = errorCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new GatewayError('upstream_timeout', `Provider ${providerName} timed out (${code})`, { cause: error, retryable: true });
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new GatewayError('upstream_error', `Provider ${providerName} is unreachable (${detail})`, { cause: error, retryable: true });
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** `retry-after` (seconds or HTTP date) and `retry-after-ms`, as the Stainless SDKs read them. */
export function retryAfterMsFrom(headers: Record<string, string | string[] | undefined>, nowMs: number): number | undefined {
  const milliseconds = Number(single(headers['retry-after-ms']));
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = single(headers['retry-after']);
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
