import type { RequestLogRecord } from '../store/records.js';
import type { RequestLogRepository } from '../store/store.js';

export interface RequestLogWriterOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Records kept in memory while the store is failing; past this, the oldest are dropped (and counted). */
  maxBacklog?: number;
  onError?: (error: unknown) => void;
}

/**
 * Writes request records off the request path: appends go to memory, and a timer flushes them in
 * batches, one transaction each. A failing store keeps records queued for the next flush.
 */
export class RequestLogWriter {
  private queue: RequestLogRecord[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly maxBacklog: number;
  /** Records lost because the backlog overflowed; stays 0 unless the store was down for long. */
  dropped = 0;

  constructor(
    private readonly repository: RequestLogRepository,
    private readonly options: RequestLogWriterOptions = {},
  ) {
    // Small batches with a turn of the event loop between them: the embedded store writes
    // synchronously, and one long transaction would stall every request in flight.
    this.maxBatch = options.maxBatch ?? 64;
    this.maxBacklog = options.maxBacklog ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  append(record: RequestLogRecord): void {
    this.queue.push(record);
    if (this.queue.length > this.maxBacklog) {
      this.queue.shift();
      this.dropped++;
    }
  }

  /** Writes everything queued so far; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.queue.length > 0) await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      try {
        await this.repository.insertMany(batch);
      } catch (error) {
        this.options.onError?.(error);
        return;
      }
      this.queue = this.queue.slice(batch.length);
      if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
