import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../canonical/gateway-error.js';

/**
 * Reads a request body up to `limit` bytes. An announced Content-Length over the limit is refused
 * before reading a byte; a body that grows past it is cut off. Either way the caller gets 413.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const announced = Number(request.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) return Promise.reject(tooLarge(limit));
  const buffered = wholeBufferedBody(request, announced);
  if (buffered !== undefined) return Promise.resolve(buffered);
  // Events rather than `for await`: this runs on every request, and the async iterator costs more.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const [only] = chunks;
      resolve(chunks.length === 1 && only !== undefined ? only : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new GatewayError('invalid_request', `The request body could not be read: ${error.message}`));
    };
    const onAborted = (): void => onError(new Error('the caller closed the connection'));
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onAborted);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onAborted);
  });
}

/**
 * The body when all of it is already buffered. A small body usually comes in the packet that
 * carried the headers, and a handler that awaited anything first finds it buffered; Node's parser
 * only reports the message's end a turn of the event loop later. With a Content-Length the parser
 * never buffers more than announced, so the announced length buffered is the whole body. Taking it
 * at once saves the ticks of listening for `data` and then `end`.
 */
function wholeBufferedBody(request: IncomingMessage, announced: number): Buffer | undefined {
  if (!Number.isFinite(announced) || request.readableLength !== announced || request.readableFlowing === true) return undefined;
  // Without a size, `read` returns everything buffered; null when the body was empty.
  const body = (request.read() as Buffer | null) ?? Buffer.alloc(0);
  // Flowing (with nothing left to read), the request still emits `end` when its parser sees it.
  request.resume();
  return body;
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
