import { GatewayError } from '../canonical/gateway-error.js';
import type { ServiceClass } from '../governance/principal.js';
import type { CapacitySignal } from '../providers/provider.js';

export interface DispatchQueueOptions {
  /** Requests allowed to wait for one provider; past it, requests that could only wait there are refused at once. */
  maxWaitingPerProvider: number;
  /** Of those, how many one team may hold: one team cannot fill a provider's line. */
  maxWaitingPerTeam: number;
  /** Requests allowed to wait in all: a memory guard, not a fairness rule. */
  maxWaitingTotal: number;
  /** Longest a request waits for capacity before it is refused. */
  maxWaitMs: number;
  /** A batch request waiting this long is served as interactive (strict priority would starve it). */
  batchAgingMs: number;
  /** Retry-After suggested to refused callers. */
  retryAfterMs: number;
  /** Monotonic milliseconds (waiting ages). */
  now: () => number;
}

export const DEFAULT_QUEUE_OPTIONS: DispatchQueueOptions = {
  maxWaitingPerProvider: 1000,
  maxWaitingPerTeam: 500,
  maxWaitingTotal: 10_000,
  maxWaitMs: 30_000,
  batchAgingMs: 10_000,
  retryAfterMs: 2_000,
  now: () => performance.now(),
};

/** One request that waits: who for (fairness), what for (its providers), and how to take capacity. */
export interface WaitRequest<T> {
  serviceClass: ServiceClass;
  /** The team (or key) the request is counted under for fairness. */
  team: string;
  /** The providers this request can be served by (its candidates not yet tried). */
  providers: readonly string[];
  /** Reserves capacity synchronously, or returns undefined when there is none. */
  take: () => T | undefined;
  signal: AbortSignal;
}

interface Waiter {
  serviceClass: ServiceClass;
  team: string;
  providers: readonly string[];
  since: number;
  take: () => unknown;
  resolve: (taken: unknown) => void;
}

interface LineCounts {
  interactive: number;
  batch: number;
  byTeam: Map<string, number>;
}

/**
 * Requests waiting for capacity. Each waits for the providers that could serve it, not in one
 * global line: a request a free provider can take never waits behind work for another provider.
 * When capacity frees up, waiters are served interactive before batch — a batch request that has
 * waited `batchAgingMs` counts as interactive — and within a class round-robin between teams, first
 * come first served within a team; one team may hold only its share of a provider's line. A
 * newcomer does not take a provider's capacity while someone of equal or higher priority waits for
 * that provider. Capacity is taken through each waiter's synchronous `take` (which reserves a
 * lease), so one freed slot goes to exactly one waiter.
 */
export class DispatchQueue implements CapacitySignal {
  private readonly waiting: Waiter[] = [];
  private readonly lines = new Map<string, LineCounts>();
  /** The team served last in each class: the next turn starts after it. */
  private readonly lastServed: Record<ServiceClass, string | undefined> = { interactive: undefined, batch: undefined };
  private dispatching = false;
  private again = false;

  constructor(private readonly options: DispatchQueueOptions = DEFAULT_QUEUE_OPTIONS) {}

  get size(): number {
    return this.waiting.length;
  }

  sizeOf(serviceClass: ServiceClass): number {
    return this.waiting.filter((waiter) => waiter.serviceClass === serviceClass).length;
  }

  /** Requests waiting for this provider (among others, possibly). */
  waitingFor(providerId: string): number {
    const line = this.lines.get(providerId);
    return line === undefined ? 0 : line.interactive + line.batch;
  }

  /** True when a request of this class must not take the provider's capacity: someone of equal or higher priority waits for it. */
  hasWaitersAhead(providerId: string, serviceClass: ServiceClass): boolean {
    if (this.waiting.length === 0) return false;
    const line = this.lines.get(providerId);
    if (line === undefined) return false;
    return serviceClass === 'interactive' ? line.interactive > 0 : line.interactive + line.batch > 0;
  }

  /**
   * Waits in line for capacity, taking it through `take` when this request's turn comes. Rejects
   * with `no_capacity` when every line it could wait in is full (or holds the team's share), the
   * wait is too long, or the caller leaves.
   */
  async acquire<T>(request: WaitRequest<T>): Promise<T> {
    const { maxWaitingTotal, maxWaitingPerProvider, maxWaitingPerTeam } = this.options;
    if (this.waiting.length >= maxWaitingTotal) throw this.refusal('too many requests are already waiting for capacity');
    const open = request.providers.filter((provider) => {
      const line = this.lines.get(provider);
      return line === undefined || (line.interactive + line.batch < maxWaitingPerProvider && (line.byTeam.get(request.team) ?? 0) < maxWaitingPerTeam);
    });
    if (open.length === 0) {
      throw this.refusal(`the lines for every provider that could serve this request are full (at most ${maxWaitingPerProvider} waiting, ${maxWaitingPerTeam} per team)`);
    }
    const { signal } = request;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(this.refusal(`no capacity freed up within ${this.options.maxWaitMs} ms`))), this.options.maxWaitMs);
      const onAbort = (): void => finish(() => reject(new GatewayError('upstream_error', 'The caller went away while queued', { retryable: false })));
      const waiter: Waiter = {
        serviceClass: request.serviceClass,
        team: request.team,
        providers: request.providers,
        since: this.options.now(),
        take: request.take,
        resolve: (taken) => finish(() => resolve(taken as T)),
      };
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

  /** Capacity may have freed up: hand it to waiters in their turn. */
  notify(): void {
    // Every finished request lands here; with nobody waiting there is nothing to do.
    if (this.waiting.length === 0) return;
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        for (const waiter of this.turnOrder()) {
          const taken = waiter.take();
          if (taken === undefined) continue;
          this.lastServed[this.classOf(waiter, this.options.now())] = waiter.team;
          waiter.resolve(taken);
        }
        // A waiter's take() can free capacity and call notify() again, which sets `again`.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  /** Interactive (and aged batch) first, then batch; within each, one waiter per team in turn. */
  private turnOrder(): Waiter[] {
    const now = this.options.now();
    const order: Waiter[] = [];
    for (const serviceClass of ['interactive', 'batch'] as const) {
      const byTeam = new Map<string, Waiter[]>();
      for (const waiter of this.waiting) {
        if (this.classOf(waiter, now) !== serviceClass) continue;
        const line = byTeam.get(waiter.team);
        if (line === undefined) byTeam.set(waiter.team, [waiter]);
        else line.push(waiter);
      }
      const teams = [...byTeam.keys()];
      const last = this.lastServed[serviceClass];
      const start = last === undefined ? 0 : (teams.indexOf(last) + 1) % Math.max(1, teams.length);
      const rotated = [...teams.slice(start), ...teams.slice(0, start)];
      for (let round = 0; order.length < this.waiting.length; round++) {
        let any = false;
        for (const team of rotated) {
          const waiter = byTeam.get(team)?.[round];
          if (waiter === undefined) continue;
          order.push(waiter);
          any = true;
        }
        if (!any) break;
      }
    }
    return order;
  }

  private classOf(waiter: Waiter, now: number): ServiceClass {
    return waiter.serviceClass === 'batch' && now - waiter.since >= this.options.batchAgingMs ? 'interactive' : waiter.serviceClass;
  }

  private add(waiter: Waiter): void {
    this.waiting.push(waiter);
    for (const provider of waiter.providers) {
      const line = this.lines.get(provider) ?? { interactive: 0, batch: 0, byTeam: new Map<string, number>() };
      line[waiter.serviceClass]++;
      line.byTeam.set(waiter.team, (line.byTeam.get(waiter.team) ?? 0) + 1);
      this.lines.set(provider, line);
    }
  }

  private remove(waiter: Waiter): void {
    const index = this.waiting.indexOf(waiter);
    if (index === -1) return;
    this.waiting.splice(index, 1);
    for (const provider of waiter.providers) {
      const counts = this.lines.get(provider);
      if (counts === undefined) continue;
      counts[waiter.serviceClass]--;
      const held = (counts.byTeam.get(waiter.team) ?? 1) - 1;
      if (held <= 0) counts.byTeam.delete(waiter.team);
      else counts.byTeam.set(waiter.team, held);
      if (counts.interactive + counts.batch === 0) this.lines.delete(provider);
    }
  }

  private refusal(reason: string): GatewayError {
    return new GatewayError('no_capacity', `All providers for this model are busy: ${reason}`, { retryAfterMs: this.options.retryAfterMs });
  }
}
