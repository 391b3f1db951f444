import type { ServerResponse } from 'node:http';
import type { ResponseSink } from '../gateway/response-sink.js';

/** ResponseSink over a Node response: honours backpressure and never writes to a closed socket. */
export class NodeResponseSink implements ResponseSink {
  private hasCommitted = false;
  private peerGone = false;
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
    // Event streams must reach the caller now, not with the first token.
    if (headers['content-type']?.startsWith('text/event-stream') === true) this.response.flushHeaders();
  }

  write(chunk: string | Buffer): Promise<void> | undefined {
    if (this.closed || this.response.writableEnded) return undefined;
    if (this.response.write(chunk)) return undefined;
    return new Promise((resolve) => this.waitingForDrain.push(resolve));
  }

  end(chunk?: string | Buffer): void {
    if (this.response.writableEnded || this.closed) return;
    if (chunk === undefined) this.response.end();
    else this.response.end(chunk);
  }
}
