import type { Readable } from 'node:stream';
import { isMeaningfulEvent, type ChatEvent } from '../../canonical/chat-event.js';
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
  /**
   * Yield the answer's first meaningful event (or an error) as a chunk of its own, before the rest
   * of its read is decoded: a streaming caller's first byte then waits for one event, not for the
   * whole read. A short answer usually arrives in one read, and decoding all of it first was ~30 µs
   * of the first byte's delay.
   */
  firstAnswerAlone?: boolean;
}

/**
 * Reads an upstream SSE body into chunks: one per network read, holding the decoded events and,
 * for passthrough, the bytes of the complete blocks that produced them. Never throws: a broken
 * connection or a cut stream becomes an `error` event. Our own abort simply ends the iteration.
 */
export async function* sseChunks(body: Readable, options: SseChunkOptions): AsyncGenerator<StreamChunk> {
  const parser = new SseParser(options.maxEventBytes);
  const { decoder } = options;
  let complete = false;
  let ended = false;
  let answered = options.firstAnswerAlone !== true;
  try {
    // Not destroyed when the loop returns early: see the finally block.
    for await (const buffer of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      const blocks = parser.push(buffer);
      let from = 0;
      if (!answered) {
        const first = decodeBlocks(blocks, options, 0, true);
        ({ next: from, answered } = first);
        if (first.chunk !== undefined) yield first.chunk;
      }
      const chunk = decodeBlocks(blocks, options, from).chunk;
      if (chunk !== undefined) yield chunk;
      if (decoder.done) {
        complete = true;
        return;
      }
    }
    ended = true;
    const tail = decodeBlocks(parser.end(), options).chunk;
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
  } finally {
    if (complete) finishAfterTerminalEvent(body);
    else if (!ended) discard(body);
  }
}

/**
 * The answer is whole once its terminal event arrived, usually in the same read as the end of
 * the body. Destroying a body that has not emitted its end creates two errors with stack traces
 * (Node's AbortError and undici's RequestAbortedError), which cost about a tenth of a translated
 * request; when the body's end has already arrived, letting the stream emit it costs nothing. A
 * body that is still open after its terminal event is cut off as before.
 */
function finishAfterTerminalEvent(body: Readable): void {
  if (body.destroyed || body.readableEnded) return;
  // `ended`: the end of the body has been pushed, only its event is still to come.
  const arrived = (body as Readable & { _readableState?: { ended?: boolean; length?: number } })._readableState;
  if (arrived?.ended === true) body.resume();
  else discard(body);
}

/** Destroys a body nobody reads any more; the abort error that destroying it emits has no one to tell. */
function discard(body: Readable): void {
  body.on('error', ignore);
  body.destroy();
}

function ignore(): void {}

/**
 * Decodes complete blocks. For passthrough a block's bytes are kept only once its data parsed and
 * carried no error: a truncated JSON frame or an upstream error frame is never relayed as is; the
 * caller gets Auxot's own error frame (with the message redacted) in its place, and nothing after.
 */
function decodeBlocks(
  blocks: ReturnType<SseParser['push']>,
  options: SseChunkOptions,
  from = 0,
  untilAnswer = false,
): { chunk: StreamChunk | undefined; next: number; answered: boolean } {
  const events: ChatEvent[] = [];
  const raw = new RawRuns();
  let next = from;
  let answered = false;
  while (next < blocks.length && !answered && !options.decoder.done) {
    const block = blocks[next++] as (typeof blocks)[number];
    const decoded = block.event === undefined ? [] : options.decoder.push(block.event);
    let failed = false;
    for (const event of decoded) {
      if (event.type === 'error') {
        failed = true;
        events.push({ type: 'error', error: withRedactedMessage(event.error) });
      } else {
        events.push(event);
      }
      if (untilAnswer && (failed || isMeaningfulEvent(event))) answered = true;
    }
    if (options.keepRaw && !failed && !(options.stripUsageOnly && isUsageOnly(decoded))) raw.keep(block.raw);
  }
  const bytes = options.keepRaw ? raw.bytes() : undefined;
  if (bytes === undefined) return { chunk: events.length === 0 ? undefined : { events }, next, answered };
  return { chunk: { events, raw: bytes }, next, answered };
}

/**
 * The kept bytes of one read. Consecutive blocks of one network read lie side by side in memory,
 * so they are kept as one view of it: a read of 100 small events is relayed without copying
 * (a copy of each block was a measurable share of a long stream's relay).
 */
class RawRuns {
  private readonly runs: Buffer[] = [];
  private memory: ArrayBufferLike | undefined;
  private start = 0;
  private end = 0;

  keep(piece: Buffer): void {
    if (piece.buffer === this.memory && piece.byteOffset === this.end) {
      this.end += piece.length;
      return;
    }
    this.close();
    this.memory = piece.buffer;
    this.start = piece.byteOffset;
    this.end = piece.byteOffset + piece.length;
  }

  bytes(): Buffer | undefined {
    this.close();
    const [only] = this.runs;
    if (this.runs.length <= 1) return only;
    return Buffer.concat(this.runs);
  }

  private close(): void {
    if (this.memory === undefined) return;
    this.runs.push(Buffer.from(this.memory, this.start, this.end - this.start));
    this.memory = undefined;
  }
}

function isUsageOnly(events: ChatEvent[]): boolean {
  return events.length > 0 && events.every((event) => event.type === 'usage');
}
