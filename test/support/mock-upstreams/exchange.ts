import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DialectWire } from './dialect-wire.js';
import { isRecord, type TurnIds } from './resolved-turn.js';
import type { RecordedRequest } from './types.js';

/**
 * One request/response pair. Tells a client hang-up apart from the mock ending the socket itself
 * (resets, released hangs), so only the former is recorded as `abortedAt`.
 */
export class Exchange {
  private isEndedByMock = false;
  private isClosedFlag = false;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly record: RecordedRequest,
    readonly wire: DialectWire,
    readonly requestId: string,
    readonly ids: TurnIds,
    private readonly onProgress: () => void,
  ) {
    response.on('finish', () => {
      record.completedAt = performance.now();
    });
    response.on('close', () => {
      this.isClosedFlag = true;
      if (!response.writableFinished && !this.isEndedByMock) {
        record.abortedAt = performance.now();
        onProgress();
      }
    });
  }

  get isClosed(): boolean {
    return this.isClosedFlag || this.response.destroyed;
  }

  get isStreamRequested(): boolean {
    return isRecord(this.record.body) && this.record.body['stream'] === true;
  }

  /** RST: `resetAndDestroy` sets SO_LINGER 0, so the peer sees ECONNRESET rather than a clean FIN. */
  reset(): void {
    this.isEndedByMock = true;
    this.request.socket.resetAndDestroy();
  }

  destroy(): void {
    this.isEndedByMock = true;
    this.request.socket.destroy();
  }

  /** Sends the status line and headers now, before any body byte. */
  sendHead(status: number, headers: Record<string, string>): void {
    this.response.writeHead(status, headers);
    this.response.flushHeaders();
  }

  /**
   * Writes each piece as its own socket write, waiting for it to be flushed so pieces are not
   * coalesced. Resolves false as soon as the connection is gone.
   */
  async writePieces(pieces: readonly Buffer[], delayMs: number): Promise<boolean> {
    for (const [position, piece] of pieces.entries()) {
      if (position > 0 && delayMs > 0) await sleep(delayMs);
      if (this.isClosed) return false;
      await this.writeOne(piece);
    }
    return !this.isClosed;
  }

  end(): void {
    if (!this.isClosed) this.response.end();
  }

  private writeOne(piece: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const settle = (): void => {
        this.response.off('close', settle);
        resolve();
      };
      this.response.once('close', settle);
      this.response.write(piece, () => {
        this.record.bytesWritten = (this.record.bytesWritten ?? 0) + piece.length;
        this.onProgress();
        settle();
      });
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
