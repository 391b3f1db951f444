import { writeSync } from 'node:fs';

export interface BatchedFdWriterOptions {
  /** Lines wait until about this many bytes are queued (default 8 KiB, about twenty request lines). */
  batchBytes?: number;
  /** A quiet process's lines wait at most this long (default 50 ms). */
  flushMs?: number;
  /** Lines past this many queued bytes are dropped and counted (default 16 MiB): a reader that stopped must not exhaust memory. */
  maxQueuedBytes?: number;
  /** How long `flushSync` keeps retrying a full pipe before giving up on what is left (default 10 s). */
  exitWaitMs?: number;
}

const RETRY_MS = 10;

/**
 * Log lines to a descriptor (stderr) in batches, each written with one non-blocking `write(2)`
 * from the event loop (decision 65). sonic-boom's asynchronous mode hands every write to libuv's
 * thread pool; on the core the gateway runs on, that hand-off cost ~8 % of the CPU per request
 * under load, while the same batches written synchronously cost nothing measurable. A descriptor
 * Node made non-blocking (stderr as a pipe, once `process.stderr` was read) answers EAGAIN when
 * its reader falls behind: the unwritten bytes stay queued and are retried on a timer, so a slow
 * reader never stalls the event loop. At exit everything queued is written, waiting for the
 * reader for up to `exitWaitMs`. A blocking descriptor (a file) just writes.
 */
export class BatchedFdWriter {
  private pending: string[] = [];
  private pendingLength = 0;
  /** Bytes a write left unwritten (partial write or EAGAIN); they go out before anything newer. */
  private carry: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Lines dropped because too much was queued, or because the descriptor is gone. */
  dropped = 0;
  private readonly batchBytes: number;
  private readonly flushMs: number;
  private readonly maxQueuedBytes: number;
  private readonly exitWaitMs: number;

  constructor(
    private readonly fd: number,
    options: BatchedFdWriterOptions = {},
  ) {
    this.batchBytes = options.batchBytes ?? 8 * 1024;
    this.flushMs = options.flushMs ?? 50;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
    this.exitWaitMs = options.exitWaitMs ?? 10_000;
  }

  write(line: string): void {
    if (this.closed || this.pendingLength + (this.carry?.length ?? 0) > this.maxQueuedBytes) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    // String length, not bytes: a close enough measure of a batch, and free.
    this.pendingLength += line.length;
    if (this.pendingLength >= this.batchBytes && this.carry === undefined) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  /** Writes what is queued as far as the descriptor takes it without blocking; retries the rest on a timer. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writeCarry() && this.pending.length > 0) this.carry = this.unwritten(this.takePending());
    if (this.carry !== undefined) this.timer = setTimeout(() => this.flush(), RETRY_MS).unref();
  }

  /** Writes everything queued before the process exits, waiting for a full pipe's reader (bounded). */
  flushSync(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length > 0) {
      const fresh = this.takePending();
      this.carry = this.carry === undefined ? fresh : Buffer.concat([this.carry, fresh]);
    }
    const giveUpAt = Date.now() + this.exitWaitMs;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!this.writeCarry()) {
      if (Date.now() > giveUpAt) {
        this.carry = undefined;
        this.dropped++;
        return;
      }
      // The reader is behind; the event loop is over, so waiting for it here blocks nothing.
      Atomics.wait(pause, 0, 0, 1);
    }
  }

  /** True when nothing is left over from an earlier write (or the descriptor is gone). */
  private writeCarry(): boolean {
    if (this.carry === undefined) return true;
    this.carry = this.unwritten(this.carry);
    return this.carry === undefined;
  }

  private takePending(): Buffer {
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    return data;
  }

  /** What the descriptor did not take of `data` without blocking; undefined once all of it went. */
  private unwritten(data: Buffer): Buffer | undefined {
    const written = this.writeSome(data);
    return written < data.length ? data.subarray(written) : undefined;
  }

  /** Bytes of `data` the descriptor took: all of it, a part (EAGAIN or a partial write), or none. */
  private writeSome(data: Buffer): number {
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset, data.length - offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return offset;
        // EPIPE, EBADF: nobody reads any more. Nothing else can be done with a log line.
        this.closed = true;
        this.dropped++;
        return data.length;
      }
    }
    return offset;
  }
}
