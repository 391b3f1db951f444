import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../canonical/gateway-error.js';

/**
 * Reads a request body up to `limit` bytes. An announced Content-Length over the limit is refused
 * before reading a byte; a body that grows past it is cut off. Either way the caller gets 413.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const announced = Number(request.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const [only] = chunks;
  return chunks.length === 1 && only !== undefined ? only : Buffer.concat(chunks, size);
}

/** Parses a JSON body, turning a syntax error into a 400 that says where. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new GatewayError('invalid_request', 'The request body is empty; expected a JSON object');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GatewayError('invalid_request', `The request body is not valid JSON: ${detail}`);
  }
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('payload_too_large', `The request body exceeds the ${limit}-byte limit`);
}
