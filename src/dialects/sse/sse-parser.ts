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
/** The default bound on one pending event: far above any real model event, small enough that a hostile upstream cannot pin memory. */
export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * Incremental SSE parser following the WHATWG event-stream rules (LF, CR and CRLF line ends,
 * `:` comments, one optional space after the colon, `data` lines joined by LF).
 *
 * Written here rather than taken from eventsource-parser because passthrough needs the raw bytes of
 * every complete block: Auxot forwards whole events only, so a stream cut mid-event never leaves the
 * caller holding half a JSON line before the error frame.
 *
 * Each byte is scanned once and the bytes of an unfinished block are kept as the chunks they came
 * in, joined only when the block completes: a long event costs memory in proportion to its size,
 * never the quadratic copying of re-joining the buffer on every read.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  /** Bytes of the block in progress, as they arrived. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** The next byte starts a line. */
  private atLineStart = true;
  /** The last byte seen was a CR: an LF right after it belongs to the same line end. */
  private afterCr = false;
  /** That CR ended a blank line: the block ends after it (and after its LF, if one follows). */
  private blockEndsAfterCr = false;
  private sawFirstChunk = false;

  constructor(private readonly maxBlockBytes = DEFAULT_MAX_EVENT_BYTES) {}

  /** Feeds bytes; returns every block they complete. Throws when one block outgrows the limit. */
  push(input: Buffer): SseBlock[] {
    let chunk = input;
    if (!this.sawFirstChunk && chunk.length > 0) {
      this.sawFirstChunk = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const blocks: SseBlock[] = [];
    // Nearly every upstream ends lines with LF alone: then blank lines are found with the native
    // `indexOf` instead of a JavaScript loop over every byte (the relay's costliest frame).
    if (!this.afterCr && chunk.indexOf(CR) === -1) {
      this.pushLfOnly(chunk, blocks);
      return blocks;
    }
    let blockStart = 0;
    const endBlock = (end: number): void => {
      blocks.push(parseBlock(this.take(chunk, blockStart, end)));
      blockStart = end;
    };
    for (let position = 0; position < chunk.length; position++) {
      const byte = chunk[position];
      if (this.afterCr) {
        this.afterCr = false;
        const ends = this.blockEndsAfterCr;
        this.blockEndsAfterCr = false;
        if (byte === LF) {
          if (ends) endBlock(position + 1);
          continue;
        }
        if (ends) endBlock(position);
      }
      if (byte === CR) {
        this.blockEndsAfterCr = this.atLineStart;
        this.atLineStart = true;
        this.afterCr = true;
      } else if (byte === LF) {
        if (this.atLineStart) endBlock(position + 1);
        this.atLineStart = true;
      } else {
        this.atLineStart = false;
      }
    }
    this.keepRest(chunk, blockStart);
    return blocks;
  }

  /** `push` for a chunk without CR bytes, after a chunk that did not end in CR. */
  private pushLfOnly(chunk: Buffer, blocks: SseBlock[]): void {
    let blockStart = 0;
    for (let position = chunk.indexOf(LF); position !== -1; position = chunk.indexOf(LF, position + 1)) {
      // An LF right after another LF (or at the start of a line) ends an empty line: the block.
      const endsEmptyLine = position === 0 ? this.atLineStart : chunk[position - 1] === LF;
      if (endsEmptyLine) {
        blocks.push(parseBlock(this.take(chunk, blockStart, position + 1)));
        blockStart = position + 1;
      }
    }
    if (chunk.length > 0) this.atLineStart = chunk[chunk.length - 1] === LF;
    this.keepRest(chunk, blockStart);
  }

  /** Keeps `chunk[from..]`, the start of a block still in progress. */
  private keepRest(chunk: Buffer, from: number): void {
    if (from >= chunk.length) return;
    // Without copying when it is the whole chunk; a small tail is copied so the block does not
    // pin the larger chunk it came in.
    this.parts.push(from === 0 ? chunk : Buffer.from(chunk.subarray(from)));
    this.partsLength += chunk.length - from;
    if (this.partsLength > this.maxBlockBytes) throw new SseOverflowError(this.maxBlockBytes);
  }

  /**
   * The stream ended. A trailing block without its blank line is still dispatched when it holds
   * complete fields (some servers omit the last blank line after `data: [DONE]`).
   */
  end(): SseBlock[] {
    const rest = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.atLineStart = true;
    this.afterCr = false;
    this.blockEndsAfterCr = false;
    if (rest === undefined || rest.length === 0) return [];
    return [parseBlock(rest)];
  }

  /** The pending parts plus `chunk[from, to)`, as one buffer; the parts are consumed. */
  private take(chunk: Buffer, from: number, to: number): Buffer {
    const piece = chunk.subarray(from, to);
    if (this.parts.length === 0) return piece;
    const joined = Buffer.concat([...this.parts, piece], this.partsLength + piece.length);
    this.parts = [];
    this.partsLength = 0;
    return joined;
  }
}

function parseBlock(raw: Buffer): SseBlock {
  const text = raw.toString('utf8');
  const lfOnly = text.indexOf('\r') === -1;
  let data: string | undefined;
  let eventType: string | undefined;
  let id: string | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = lfOnly ? text.indexOf('\n', lineStart) : lineStart;
    if (lineEnd === -1) lineEnd = text.length;
    if (!lfOnly) while (lineEnd < text.length && text.charCodeAt(lineEnd) !== LF && text.charCodeAt(lineEnd) !== CR) lineEnd++;
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
