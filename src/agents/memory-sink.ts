import type { ResponseSink } from '../gateway/response-sink.js';

/**
 * A ResponseSink in memory, for model calls the server makes itself (an agent's steps): the
 * gateway writes the answer here exactly as it would to a socket, and the caller reads it back.
 * It counts as closed once the run's signal aborts, so the gateway stops and cancels upstream.
 */
export class MemorySink implements ResponseSink {
  status = 0;
  headers: Record<string, string> = {};
  private readonly chunks: string[] = [];
  private isCommitted = false;

  constructor(private readonly signal: AbortSignal) {}

  get committed(): boolean {
    return this.isCommitted;
  }

  get closed(): boolean {
    return this.signal.aborted;
  }

  commit(status: number, headers: Record<string, string>): void {
    if (this.isCommitted) return;
    this.isCommitted = true;
    this.status = status;
    this.headers = headers;
  }

  write(chunk: string | Buffer): undefined {
    this.chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    return undefined;
  }

  end(chunk?: string | Buffer): void {
    if (chunk !== undefined) this.write(chunk);
  }

  text(): string {
    return this.chunks.join('');
  }
}
