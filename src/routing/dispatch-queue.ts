import { GatewayError } from '../canonical/gateway-error.js';
import type { ServiceClass } from '../governance/principal.js';
import type { CapacitySignal } from '../providers/provider.js';

export interface DispatchQueueOptions {
  /** Requests allowed to wait at once; past it, callers get 429 / overloaded at once. */
  maxWaiting: number;
  /** Longest a request waits for capacity before it is refused. */
  maxWaitMs: number;
  /** Retry-After suggested to refused callers. */
  retryAfterMs: number;
}

export const DEFAULT_QUEUE_OPTIONS: DispatchQueueOptions = { maxWaiting: 1000, maxWaitMs: 30_000, retryAfterMs: 2_000 };

interface Waiter {
  serviceClass: ServiceClass;
  take: () => unknown;
  resolve: (taken: unknown) => void;
  reject: (error: GatewayError) => void;
}

/**
 * Requests waiting for capacity, served interactive before batch and first come, first served
 * within a class. Capacity is taken through each waiter's synchronous `take` (which reserves a
 * lease), so one freed slot goes to exactly one waiter.
 */
export class DispatchQueue implements CapacitySignal {
  private readonly waiting: Record<ServiceClass, Waiter[]> = { interactive: [], batch: [] };
  private dispatching = false;
  private again = false;

  constructor(private readonly options: DispatchQueueOptions = DEFAULT_QUEUE_OPTIONS) {}

  get size(): number {
    return this.waiting.interactive.length + this.waiting.batch.length;
  }

  sizeOf(serviceClass: ServiceClass): number {
    return this.waiting[serviceClass].length;
  }

  /**
   * Takes capacity now when nobody of equal or higher priority is waiting; otherwise waits in line.
   * Rejects with `no_capacity` when the line is full, the wait is too long, or the caller leaves.
   */
  async acquire<T>(serviceClass: ServiceClass, take: () => T | undefined, signal: AbortSignal): Promise<T> {
    if (!this.hasPriorityWaiters(serviceClass)) {
      const taken = take();
      if (taken !== undefined) return taken;
    }
    if (this.size >= this.options.maxWaiting) throw this.refusal('too many requests are already waiting for capacity');
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(this.refusal(`no capacity freed up within ${this.options.maxWaitMs} ms`))), this.options.maxWaitMs);
      const onAbort = (): void => finish(() => reject(new GatewayError('upstream_error', 'The caller went away while queued', { retryable: false })));
      const waiter: Waiter = {
        serviceClass,
        take,
        resolve: (taken) => finish(() => resolve(taken as T)),
        reject: (error) => finish(() => reject(error)),
      };
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const line = this.waiting[serviceClass];
        const index = line.indexOf(waiter);
        if (index !== -1) line.splice(index, 1);
        settle();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting[serviceClass].push(waiter);
      this.notify();
    });
  }

  /** Capacity may have freed up: hand it to waiters in priority order. */
  notify(): void {
    // Every finished request lands here; with nobody waiting there is nothing to do.
    if (this.size === 0) return;
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        for (const serviceClass of ['interactive', 'batch'] as const) {
          for (const waiter of [...this.waiting[serviceClass]]) {
            const taken = waiter.take();
            if (taken !== undefined) waiter.resolve(taken);
          }
        }
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  private hasPriorityWaiters(serviceClass: ServiceClass): boolean {
    return serviceClass === 'interactive' ? this.waiting.interactive.length > 0 : this.size > 0;
  }

  private refusal(reason: string): GatewayError {
    return new GatewayError('no_capacity', `All providers for this model are busy: ${reason}`, { retryAfterMs: this.options.retryAfterMs });
  }
}
