import type { ServerResponse } from 'node:http';
import type { ResponseSink } from '../gateway/response-sink.js';

/** ResponseSink over a Node response: honours backpressure and never writes to a closed socket. */
export class NodeResponseSink implements ResponseSink {
  private hasCommitted = false;
  private peerGone = false;
  /** An event stream's headers wait to go out with its first chunk, which then goes out at once. */
  private sendFirstChunkNow = false;
  private waitingForDrain: Array<() => void> = [];
  private readonly hangUp = new AbortController();

  constructor(private readonly response: ServerResponse) {
    response.on('drain', () => this.wake());
    response.once('close', () => {
      // Node's `req.on('close')` fires once the body is read; only the response closing before it
      // finished means the caller hung up.
      if (!response.writableFinished) {
        this.peerGone = true;
        this.hangUp.abort();
      }
      this.wake();
    });
  }

  /** Aborts when the caller hangs up before the answer is complete. */
  get signal(): AbortSignal {
    return this.hangUp.signal;
  }

  private wake(): void {
    const waiting = this.waitingForDrain;
    this.waitingForDrain = [];
    for (const resolve of waiting) resolve();
  }

  get committed(): boolean {
    return this.hasCommitted || this.response.headersSent;
  }

  get closed(): boolean {
    return this.peerGone || this.response.destroyed;
  }

  commit(status: number, headers: Record<string, string>): void {
    if (this.committed || this.closed) return;
    this.hasCommitted = true;
    this.response.writeHead(status, headers);
    if (headers['content-type']?.startsWith('text/event-stream') === true) {
      // An event stream's headers must reach the caller now, not with a later token. They go out
      // with the first chunk if one is written in this tick (one packet instead of two), else alone.
      // (`headersSent` is true from `writeHead` on, whether or not they went out.)
      this.sendFirstChunkNow = true;
      process.nextTick(() => {
        if (!this.sendFirstChunkNow) return;
        this.sendFirstChunkNow = false;
        if (!this.closed && !this.response.writableEnded) this.response.flushHeaders();
      });
    }
  }

  write(chunk: string | Buffer): Promise<void> | undefined {
    if (this.closed || this.response.writableEnded) return undefined;
    const accepted = this.response.write(chunk);
    if (this.sendFirstChunkNow) {
      // Node corks a response's writes until the next tick; the first chunk (the caller's first
      // byte) should not wait for the rest of its upstream read to be decoded and written.
      this.sendFirstChunkNow = false;
      this.response.uncork();
    }
    if (accepted) return undefined;
    return new Promise((resolve) => this.waitingForDrain.push(resolve));
  }

  end(chunk?: string | Buffer): void {
    if (this.response.writableEnded || this.closed) return;
    if (chunk === undefined) this.response.end();
    else this.response.end(chunk);
  }
}
