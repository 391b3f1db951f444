import type { ChatEvent } from '../../canonical/chat-event.js';
import { GatewayError, withRedactedMessage } from '../../canonical/gateway-error.js';
import type { StreamDecoder } from '../../dialects/dialect.js';
import { SseOverflowError, SseParser } from '../../dialects/sse/sse-parser.js';
import type { StreamChunk } from '../provider.js';
import { isAbortError, upstreamNetworkError } from './upstream-failure.js';

export interface SseChunkOptions {
  providerName: string;
  decoder: StreamDecoder;
  /** Keep the raw bytes of each complete SSE block (same-dialect relay). */
  keepRaw: boolean;
  /** Drop the raw bytes of blocks that only report usage (a usage chunk the caller did not ask for). */
  stripUsageOnly: boolean;
  /** Largest event accepted while it is still arriving (default 4 MiB). */
  maxEventBytes?: number;
}

/**
 * Reads an upstream SSE body into chunks: one per network read, holding the decoded events and,
 * for passthrough, the bytes of the complete blocks that produced them. Never throws: a broken
 * connection or a cut stream becomes an `error` event. Our own abort simply ends the iteration.
 */
export async function* sseChunks(body: AsyncIterable<Buffer>, options: SseChunkOptions): AsyncGenerator<StreamChunk> {
  const parser = new SseParser(options.maxEventBytes);
  const { decoder } = options;
  try {
    for await (const buffer of body) {
      const chunk = decodeBlocks(parser.push(buffer), options);
      if (chunk !== undefined) yield chunk;
      if (decoder.done) return;
    }
    const tail = decodeBlocks(parser.end(), options);
    if (tail !== undefined) yield tail;
    const closing = decoder.end();
    if (closing.length > 0) yield { events: closing };
  } catch (error) {
    if (isAbortError(error)) return;
    const failure =
      error instanceof SseOverflowError
        ? new GatewayError('upstream_error', `Provider ${options.providerName} sent an invalid stream: ${error.message}`)
        : upstreamNetworkError(options.providerName, error);
    yield { events: [{ type: 'error', error: new GatewayError(failure.code, `${failure.message} mid-stream`, { cause: error }) }] };
  }
}

/**
 * Decodes complete blocks. For passthrough a block's bytes are kept only once its data parsed and
 * carried no error: a truncated JSON frame or an upstream error frame is never relayed as is; the
 * caller gets Auxot's own error frame (with the message redacted) in its place, and nothing after.
 */
function decodeBlocks(blocks: ReturnType<SseParser['push']>, options: SseChunkOptions): StreamChunk | undefined {
  if (blocks.length === 0) return undefined;
  const events: ChatEvent[] = [];
  const raw: Buffer[] = [];
  for (const block of blocks) {
    if (options.decoder.done) break;
    const decoded = block.event === undefined ? [] : options.decoder.push(block.event);
    let failed = false;
    for (const event of decoded) {
      if (event.type === 'error') {
        failed = true;
        events.push({ type: 'error', error: withRedactedMessage(event.error) });
      } else {
        events.push(event);
      }
    }
    if (options.keepRaw && !failed && !(options.stripUsageOnly && isUsageOnly(decoded))) raw.push(block.raw);
  }
  if (!options.keepRaw) return events.length === 0 ? undefined : { events };
  if (raw.length === 0) return events.length === 0 ? undefined : { events };
  const [only] = raw;
  return { events, raw: raw.length === 1 && only !== undefined ? only : Buffer.concat(raw) };
}

function isUsageOnly(events: ChatEvent[]): boolean {
  return events.length > 0 && events.every((event) => event.type === 'usage');
}
