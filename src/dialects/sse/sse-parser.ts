import type { SseEvent } from './sse-event.js';

/** One block of an SSE stream: the bytes up to and including the blank line that ends it. */
export interface SseBlock {
  /** The exact bytes as they arrived, so a same-dialect passthrough can relay them untouched. */
  raw: Buffer;
  /** The event the block dispatches; undefined for comment-only or data-less blocks (keep-alives). */
  event: SseEvent | undefined;
}

/** One SSE block grew past the parser's limit without ending: the upstream is broken or hostile. */
export class SseOverflowError extends Error {
  constructor(limit: number) {
    super(`SSE event larger than ${limit} bytes`);
    this.name = 'SseOverflowError';
  }
}

const LF = 0x0a;
const CR = 0x0d;
const DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * Incremental SSE parser following the WHATWG event-stream rules (LF, CR and CRLF line ends,
 * `:` comments, one optional space after the colon, `data` lines joined by LF).
 *
 * Written here rather than taken from eventsource-parser because passthrough needs the raw bytes of
 * every complete block: Auxot forwards whole events only, so a stream cut mid-event never leaves the
 * caller holding half a JSON line before the error frame.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  private pending: Buffer | undefined;
  /** Offsets into `pending`: where the current line starts, and where scanning resumes. */
  private lineStart = 0;
  private scanFrom = 0;
  private sawFirstChunk = false;

  constructor(private readonly maxBlockBytes = DEFAULT_MAX_BLOCK_BYTES) {}

  /** Feeds bytes; returns every block they complete. Throws when one block outgrows the limit. */
  push(chunk: Buffer): SseBlock[] {
    let buffer = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.sawFirstChunk && buffer.length > 0) {
      this.sawFirstChunk = true;
      if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
    }
    const blocks: SseBlock[] = [];
    let blockStart = 0;
    let lineStart = this.lineStart;
    let position = this.scanFrom;
    while (position < buffer.length) {
      const byte = buffer[position];
      if (byte !== LF && byte !== CR) {
        position++;
        continue;
      }
      let next: number;
      if (byte === CR) {
        // A CR at the very end may be the first half of CRLF: wait for the next chunk to decide.
        if (position + 1 >= buffer.length) break;
        next = buffer[position + 1] === LF ? position + 2 : position + 1;
      } else {
        next = position + 1;
      }
      if (position === lineStart) {
        blocks.push(parseBlock(buffer.subarray(blockStart, next)));
        blockStart = next;
      }
      lineStart = next;
      position = next;
    }
    const rest = buffer.subarray(blockStart);
    if (rest.length > this.maxBlockBytes) {
      throw new SseOverflowError(this.maxBlockBytes);
    }
    this.pending = rest.length === 0 ? undefined : Buffer.from(rest);
    this.lineStart = lineStart - blockStart;
    this.scanFrom = position - blockStart;
    return blocks;
  }

  /**
   * The stream ended. A trailing block without its blank line is still dispatched when it holds
   * complete fields (some servers omit the last blank line after `data: [DONE]`).
   */
  end(): SseBlock[] {
    const rest = this.pending;
    this.pending = undefined;
    this.lineStart = 0;
    this.scanFrom = 0;
    if (rest === undefined || rest.length === 0) return [];
    return [parseBlock(rest)];
  }
}

function parseBlock(raw: Buffer): SseBlock {
  const text = raw.toString('utf8');
  let data: string | undefined;
  let eventType: string | undefined;
  let id: string | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = lineStart;
    while (lineEnd < text.length && text.charCodeAt(lineEnd) !== LF && text.charCodeAt(lineEnd) !== CR) lineEnd++;
    if (lineEnd > lineStart && text.charCodeAt(lineStart) !== 0x3a /* ':' comment */) {
      const line = text.slice(lineStart, lineEnd);
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 0x20) value = value.slice(1);
      if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
      else if (field === 'event') eventType = value;
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
    lineStart = lineEnd;
    if (text.charCodeAt(lineStart) === CR && text.charCodeAt(lineStart + 1) === LF) lineStart += 2;
    else if (lineStart < text.length) lineStart += 1;
  }
  if (data === undefined) return { raw, event: undefined };
  const event: SseEvent = { data };
  if (eventType !== undefined && eventType !== '') event.event = eventType;
  if (id !== undefined) event.id = id;
  return { raw, event };
}
