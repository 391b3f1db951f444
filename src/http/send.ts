import type { ServerResponse } from 'node:http';
import { statusForCode, type GatewayError } from '../canonical/gateway-error.js';
import type { Dialect } from '../dialects/dialect.js';

/** Writes a JSON body with an explicit length (no chunked encoding for small answers). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Writes an error in the caller's dialect; returns the status sent. */
export function sendDialectError(response: ServerResponse, dialect: Dialect, error: GatewayError, requestId?: string): number {
  const encoded = dialect.encodeError(error, requestId);
  const headers: Record<string, string> = { ...encoded.headers };
  if (requestId !== undefined) {
    headers['x-request-id'] = requestId;
    // Anthropic's SDK reads `request-id` (APIError.requestID); OpenAI's reads `x-request-id`.
    if (dialect.id === 'anthropic-messages') headers['request-id'] = requestId;
  }
  // A body we refused to read must not be parsed as the next request on this connection.
  if (error.code === 'payload_too_large') headers.connection = 'close';
  sendJson(response, encoded.status, encoded.body, headers);
  return encoded.status;
}

/** Writes an error in the management API's shape: `{error:{type, message, param?}}`. */
export function sendAdminError(response: ServerResponse, error: GatewayError): void {
  sendJson(response, statusForCode(error.code), {
    error: { type: error.code, message: error.message, ...(error.param === undefined ? {} : { param: error.param }) },
  });
}
