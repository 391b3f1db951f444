import type { RequestBodyRecord } from '../store/governance-repositories.js';
import type { RequestLogRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { rollupsOf } from './usage-rollups.js';

/** What the writer needs of the store: the records, their roll-ups and bodies, written together. */
export type RequestLogStore = Pick<Store, 'transaction' | 'requestLog' | 'usage' | 'requestBodies'>;

export interface RequestLogWriterOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Records kept in memory while the store is failing; past this, the oldest are dropped (and counted). */
  maxBacklog?: number;
  onError?: (error: unknown) => void;
}

interface Queued {
  record: RequestLogRecord;
  body: RequestBodyRecord | undefined;
}

/**
 * Writes request records off the request path: appends go to memory, and a timer flushes them in
 * batches, one transaction each, together with the usage roll-ups they add to and any bodies a
 * team's policy keeps. A failing store keeps records queued for the next flush; closing drains
 * everything queued, so a graceful shutdown loses nothing.
 */
export class RequestLogWriter {
  private queue: Queued[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly maxBacklog: number;
  /** Records lost because the backlog overflowed; stays 0 unless the store was down for long. */
  dropped = 0;

  constructor(
    private readonly store: RequestLogStore,
    private readonly options: RequestLogWriterOptions = {},
  ) {
    // Small batches with a turn of the event loop between them: the embedded store writes
    // synchronously, and one long transaction would stall every request in flight.
    this.maxBatch = options.maxBatch ?? 64;
    this.maxBacklog = options.maxBacklog ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  /** Records waiting to be written. */
  get backlog(): number {
    return this.queue.length;
  }

  append(record: RequestLogRecord, body?: RequestBodyRecord): void {
    this.queue.push({ record, body });
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
      const records = batch.map((queued) => queued.record);
      const bodies = batch.flatMap((queued) => (queued.body === undefined ? [] : [queued.body]));
      try {
        await this.store.transaction(async (store) => {
          await store.requestLog.insertMany(records);
          await store.usage.add(rollupsOf(records));
          if (bodies.length > 0) await store.requestBodies.insertMany(bodies);
        });
      } catch (error) {
        this.options.onError?.(error);
        return;
      }
      this.queue = this.queue.slice(batch.length);
      if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
