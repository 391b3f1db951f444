import type { ChatEvent } from '../canonical/chat-event.js';
import { GatewayError, toGatewayError } from '../canonical/gateway-error.js';
import { AsyncQueue } from '../platform/async-queue.js';
import { SlotPool } from './slot-pool.js';

/** What one job's work gets: its slot, a stop signal, and the queue its events go to. */
export interface SlotWork<T> {
  slot: T;
  /** Aborts when the job is cancelled, when its consumer stops reading, or when the engine closes. */
  stop: AbortSignal;
  events: AsyncQueue<ChatEvent>;
}

/**
 * The part every engine shares: lend a slot to one job at a time (later jobs wait in arrival
 * order), run the job's work in the background while its events are read, and give the slot back
 * once the work has really stopped — finished, failed or cancelled, and also when the reader
 * simply walks away, so no path can leak a slot.
 */
export class SlotRunner<T> {
  private readonly pool: SlotPool<T>;
  private readonly running = new Set<Promise<void>>();
  private readonly stops = new Set<AbortController>();
  private closed = false;

  constructor(
    slots: readonly T[],
    private readonly engineName: string,
  ) {
    this.pool = new SlotPool(slots);
  }

  /** Runs `work` on a free slot and yields its events; ends quietly if `signal` aborts while waiting. */
  async *run(signal: AbortSignal, work: (job: SlotWork<T>) => Promise<void>): AsyncGenerator<ChatEvent, void, undefined> {
    const lease = await this.pool.acquire(signal);
    if (lease === undefined) return;
    if (this.closed) {
      lease.release();
      throw new GatewayError('upstream_error', `The ${this.engineName} engine is shut down`);
    }
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    this.stops.add(stop);
    const events = new AsyncQueue<ChatEvent>();
    const done = work({ slot: lease.slot, stop: stop.signal, events })
      .catch((error: unknown) => events.fail(toGatewayError(error)))
      .finally(() => {
        signal.removeEventListener('abort', onAbort);
        this.stops.delete(stop);
        lease.release();
        events.close();
      });
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    try {
      yield* events;
    } finally {
      stop.abort();
      await done;
    }
  }

  /** Refuses new jobs, stops the running ones and waits until they have let go of their slots. */
  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stops) stop.abort();
    await Promise.allSettled([...this.running]);
  }
}
