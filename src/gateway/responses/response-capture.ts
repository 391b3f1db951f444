import { isJsonObject, type JsonObject } from '../../canonical/json.js';
import { SseParser } from '../../dialects/sse/sse-parser.js';
import type { ResponseSink } from '../response-sink.js';

/** Terminal events whose Response is worth continuing from (a failed one is not). */
const KEPT_TERMINALS = new Set(['response.completed', 'response.incomplete']);

/**
 * A ResponseSink that watches what the caller receives and hands over the final Response object
 * the moment it passes: the `response.completed` event of a stream (relayed from OpenAI or written
 * by Auxot, the same wire either way) or the body of a non-streaming answer. It is handed over
 * before the bytes go out, so the caller can never ask for it before it is kept.
 */
export class ResponseCapture implements ResponseSink {
  private status = 0;
  private streaming = false;
  private readonly parser = new SseParser();
  private captured = false;

  constructor(
    private readonly inner: ResponseSink,
    private readonly onResponse: (response: JsonObject) => void,
  ) {}

  get committed(): boolean {
    return this.inner.committed;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  commit(status: number, headers: Record<string, string>): void {
    this.status = status;
    this.streaming = headers['content-type']?.startsWith('text/event-stream') === true;
    this.inner.commit(status, headers);
  }

  write(chunk: string | Buffer): Promise<void> | undefined {
    if (this.streaming) this.watchStream(chunk);
    return this.inner.write(chunk);
  }

  end(chunk?: string | Buffer): void {
    if (chunk !== undefined) {
      if (this.streaming) this.watchStream(chunk);
      else if (this.status === 200) this.take(parse(chunk.toString()));
    }
    this.inner.end(chunk);
  }

  private watchStream(chunk: string | Buffer): void {
    if (this.captured || this.status !== 200) return;
    let blocks;
    try {
      blocks = this.parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    } catch {
      // An oversized event is the relay's problem to report; there is simply nothing to keep.
      this.captured = true;
      return;
    }
    for (const block of blocks) {
      const event = block.event;
      if (event === undefined || event.event === undefined || !KEPT_TERMINALS.has(event.event)) continue;
      const data = parse(event.data);
      if (data !== undefined) this.take(data.response);
    }
  }

  private take(response: unknown): void {
    if (this.captured || !isJsonObject(response) || response.object !== 'response') return;
    if (response.status !== 'completed' && response.status !== 'incomplete') return;
    this.captured = true;
    this.onResponse(response);
  }
}

function parse(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
