import type { RequestBodyRecord } from '../store/governance-repositories.js';
import type { RequestLogRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Principal } from './principal.js';
import { rollupsOf } from './usage-rollups.js';

/** What the writer needs of the store: the records, their roll-ups and bodies, written together. */
export type RequestLogStore = Pick<Store, 'transaction' | 'requestLog' | 'usage' | 'requestBodies'>;

/**
 * Told of every request record as it is appended (the request log line, metrics). Runs on the
 * request path: it must be cheap and must not throw.
 */
export type RequestObserver = (record: RequestLogRecord, principal: Principal | undefined) => void;

export interface RequestLogWriterOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Records kept in memory while the store is failing; past this, the oldest are dropped (and counted). */
  maxBacklog?: number;
  onError?: (error: unknown) => void;
  observers?: readonly RequestObserver[];
}

/** How the writer is keeping up, for readiness and metrics. */
export interface RequestLogWriterStats {
  /** Records waiting to be written. */
  backlog: number;
  /** Records lost because the backlog overflowed. */
  dropped: number;
  /** Batches the store refused, since start. */
  writeErrors: number;
  /** Records written, since start. */
  written: number;
  /** The store's error while the latest write attempt failed; undefined once a write succeeds. */
  failing: string | undefined;
}

interface Queued {
  record: RequestLogRecord;
  body: RequestBodyRecord | undefined;
}

/** After a failed write, timer flushes wait 1, 2, 4, … intervals (up to this many) before trying again. */
const MAX_BACKOFF_TICKS = 25;

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
  private readonly observers: readonly RequestObserver[];
  /** Records lost because the backlog overflowed; stays 0 unless the store was down for long. */
  dropped = 0;
  private writeErrors = 0;
  private written = 0;
  private failing: string | undefined;
  private backoffTicks = 0;
  private ticksToSkip = 0;
  private batchFlushScheduled = false;
  /**
   * A flush writes the records appended before it, a partial batch included: it is done once
   * this many records have left the queue (written or dropped) since start.
   */
  private flushUpTo = 0;

  constructor(
    private readonly store: RequestLogStore,
    private readonly options: RequestLogWriterOptions = {},
  ) {
    // Batches with a turn of the event loop between them: the embedded store writes synchronously,
    // and one long transaction would stall every request in flight. Each commit rewrites the last
    // pages of the table and of each of its indexes, so fewer, larger commits cost much less per
    // record: 256 (about 3 ms of writing under load) instead of 64 was +10 % throughput (decision 58).
    this.maxBatch = options.maxBatch ?? 256;
    this.maxBacklog = options.maxBacklog ?? 100_000;
    this.observers = options.observers ?? [];
    this.timer = setInterval(() => this.tick(), options.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  /** Records waiting to be written. */
  get backlog(): number {
    return this.queue.length;
  }

  append(record: RequestLogRecord, principal?: Principal, body?: RequestBodyRecord): void {
    this.queue.push({ record, body });
    if (this.queue.length > this.maxBacklog) {
      this.queue.shift();
      this.dropped++;
    }
    if (this.queue.length >= this.maxBatch) this.scheduleBatchFlush();
    for (const observe of this.observers) observe(record, principal);
  }

  /** Writes everything queued so far; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.flushUpTo = this.leftQueue() + this.queue.length;
    return this.startDrain();
  }

  stats(): RequestLogWriterStats {
    return { backlog: this.queue.length, dropped: this.dropped, writeErrors: this.writeErrors, written: this.written, failing: this.failing };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.queue.length > 0) await this.flush();
  }

  /**
   * A store that refuses writes (locked by another process, disk full) is retried less and less
   * often: the embedded store blocks the event loop while it waits for a lock, and retrying every
   * interval would stall every request in flight most of the time.
   */
  private tick(): void {
    if (this.ticksToSkip > 0) {
      this.ticksToSkip--;
      return;
    }
    void this.flush();
  }

  /**
   * A full batch is written on the next turn instead of at the next tick. Under load the timer
   * alone let a tick's worth of records (1,200 at 6,000 req/s) wait up to 200 ms: long enough to
   * survive two scavenges, so V8 copied each record twice and promoted it to the old generation:
   * a third of all the bytes scavenges promoted (decision 63). A full batch is what the timer's
   * drain would write first anyway, so commits stay as large. A failing store keeps its back-off:
   * only the timer retries it.
   */
  private scheduleBatchFlush(): void {
    if (this.batchFlushScheduled || this.flushing !== undefined || this.failing !== undefined) return;
    this.batchFlushScheduled = true;
    setImmediate(() => {
      this.batchFlushScheduled = false;
      void this.startDrain();
    });
  }

  /** Records that have left the queue since start, written or dropped. */
  private leftQueue(): number {
    return this.written + this.dropped;
  }

  private startDrain(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * Writes batch after batch, a turn of the event loop apart: every full batch, and a partial one
   * only when it holds records a flush asked for. Records keep arriving under load, and a drain
   * that wrote each turn's few as a transaction of their own took ~12 % more CPU per request in
   * one paired A/B than leaving them for the next full batch or tick.
   */
  private async drain(): Promise<void> {
    while (this.queue.length >= this.maxBatch || (this.queue.length > 0 && this.leftQueue() < this.flushUpTo)) {
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
        this.writeErrors++;
        this.failing = error instanceof Error ? error.message : String(error);
        this.backoffTicks = Math.min(MAX_BACKOFF_TICKS, Math.max(1, this.backoffTicks * 2));
        this.ticksToSkip = this.backoffTicks;
        this.options.onError?.(error);
        return;
      }
      this.written += batch.length;
      this.failing = undefined;
      this.backoffTicks = 0;
      this.queue = this.queue.slice(batch.length);
      if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
