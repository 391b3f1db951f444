import { GatewayError } from '../canonical/gateway-error.js';
import type { ServiceClass } from '../governance/principal.js';
import type { CapacitySignal } from '../providers/provider.js';

export interface DispatchQueueOptions {
  /** Requests allowed to wait for one provider; past it, requests that could only wait there are refused at once. */
  maxWaitingPerProvider: number;
  /** Requests allowed to wait in all: a memory guard, not a fairness rule. */
  maxWaitingTotal: number;
  /** Longest a request waits for capacity before it is refused. */
  maxWaitMs: number;
  /** Retry-After suggested to refused callers. */
  retryAfterMs: number;
}

export const DEFAULT_QUEUE_OPTIONS: DispatchQueueOptions = { maxWaitingPerProvider: 1000, maxWaitingTotal: 10_000, maxWaitMs: 30_000, retryAfterMs: 2_000 };

interface Waiter {
  serviceClass: ServiceClass;
  /** The providers this request can be served by (its candidates not yet tried). */
  providers: readonly string[];
  take: () => unknown;
  resolve: (taken: unknown) => void;
}

interface LineCounts {
  interactive: number;
  batch: number;
}

/**
 * Requests waiting for capacity. Each waits for the providers that could serve it, not in one
 * global line: a request a free provider can take never waits behind work for another provider.
 * Within one provider, interactive requests are served before batch ones and first come, first
 * served within a class; a newcomer does not take a provider's capacity while someone of equal or
 * higher priority waits for that provider. Capacity is taken through each waiter's synchronous
 * `take` (which reserves a lease), so one freed slot goes to exactly one waiter.
 */
export class DispatchQueue implements CapacitySignal {
  private readonly waiting: Record<ServiceClass, Waiter[]> = { interactive: [], batch: [] };
  private readonly lines = new Map<string, LineCounts>();
  private dispatching = false;
  private again = false;

  constructor(private readonly options: DispatchQueueOptions = DEFAULT_QUEUE_OPTIONS) {}

  get size(): number {
    return this.waiting.interactive.length + this.waiting.batch.length;
  }

  sizeOf(serviceClass: ServiceClass): number {
    return this.waiting[serviceClass].length;
  }

  /** Requests waiting for this provider (among others, possibly). */
  waitingFor(providerId: string): number {
    const line = this.lines.get(providerId);
    return line === undefined ? 0 : line.interactive + line.batch;
  }

  /** True when a request of this class must not take the provider's capacity: someone of equal or higher priority waits for it. */
  hasWaitersAhead(providerId: string, serviceClass: ServiceClass): boolean {
    if (this.size === 0) return false;
    const line = this.lines.get(providerId);
    if (line === undefined) return false;
    return serviceClass === 'interactive' ? line.interactive > 0 : line.interactive + line.batch > 0;
  }

  /**
   * Waits in line for capacity on `providers`, taking it through `take` when this request's turn
   * comes. Rejects with `no_capacity` when every line it could wait in is full, the wait is too
   * long, or the caller leaves.
   */
  async acquire<T>(serviceClass: ServiceClass, providers: readonly string[], take: () => T | undefined, signal: AbortSignal): Promise<T> {
    if (this.size >= this.options.maxWaitingTotal) throw this.refusal('too many requests are already waiting for capacity');
    if (providers.every((provider) => this.waitingFor(provider) >= this.options.maxWaitingPerProvider)) {
      throw this.refusal(`${this.options.maxWaitingPerProvider} requests are already waiting for each provider that could serve this one`);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(this.refusal(`no capacity freed up within ${this.options.maxWaitMs} ms`))), this.options.maxWaitMs);
      const onAbort = (): void => finish(() => reject(new GatewayError('upstream_error', 'The caller went away while queued', { retryable: false })));
      const waiter: Waiter = { serviceClass, providers, take, resolve: (taken) => finish(() => resolve(taken as T)) };
      let finished = false;
      const finish = (settle: () => void): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.remove(waiter);
        settle();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.add(waiter);
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
        // A waiter's take() can free capacity and call notify() again, which sets `again`.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  private add(waiter: Waiter): void {
    this.waiting[waiter.serviceClass].push(waiter);
    for (const provider of waiter.providers) {
      const line = this.lines.get(provider) ?? { interactive: 0, batch: 0 };
      line[waiter.serviceClass]++;
      this.lines.set(provider, line);
    }
  }

  private remove(waiter: Waiter): void {
    const line = this.waiting[waiter.serviceClass];
    const index = line.indexOf(waiter);
    if (index === -1) return;
    line.splice(index, 1);
    for (const provider of waiter.providers) {
      const counts = this.lines.get(provider);
      if (counts === undefined) continue;
      counts[waiter.serviceClass]--;
      if (counts.interactive + counts.batch === 0) this.lines.delete(provider);
    }
  }

  private refusal(reason: string): GatewayError {
    return new GatewayError('no_capacity', `All providers for this model are busy: ${reason}`, { retryAfterMs: this.options.retryAfterMs });
  }
}
