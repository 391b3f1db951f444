import { GatewayError } from '../canonical/gateway-error.js';
import { candidateRefusal } from '../governance/candidate-policy.js';
import type { ServiceClass } from '../governance/principal.js';
import type { CapacityLease } from '../providers/provider.js';
import type { RoutingDecisionEntry } from '../store/records.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import type { DispatchQueue } from './dispatch-queue.js';
import type { ExecutionContext } from './execute-with-fallback.js';
import type { Candidate, RoutePlan } from './route-plan.js';

export interface Reservation {
  index: number;
  lease: CapacityLease;
}

/**
 * One request's view of its route's candidates while it is executed: which were tried, which are
 * healthy, busy, open or paused, and the decision entries that explain it all in the record.
 */
export class CandidateStates {
  private readonly candidates: readonly Candidate[];
  private readonly tried = new Set<number>();
  private readonly entries: RoutingDecisionEntry[];
  private readonly refused: string[] = [];
  private readonly policyRefused: string[] = [];

  constructor(
    plan: RoutePlan,
    context: ExecutionContext,
    private readonly breakers: CircuitBreakers,
  ) {
    this.candidates = plan.candidates;
    this.entries = plan.candidates.map((candidate, index): RoutingDecisionEntry => {
      const entry: RoutingDecisionEntry = { provider: candidate.provider.name, model: candidate.model, tier: candidate.provider.tier, outcome: 'skipped' };
      context.decision.push(entry);
      const forbidden =
        context.policy === undefined
          ? undefined
          : candidateRefusal(context.policy, context.request.model, plan.alias, { providerName: candidate.provider.name, tier: candidate.provider.tier, model: candidate.model });
      const refusal = forbidden ?? candidate.provider.refusal?.(context.request);
      if (refusal !== undefined) {
        entry.reason = refusal;
        (forbidden === undefined ? this.refused : this.policyRefused).push(refusal);
        this.tried.add(index);
      }
      return entry;
    });
  }

  remaining(): number {
    return this.candidates.length - this.tried.size;
  }

  /** Why no candidate can serve the request at all: the policy forbids some, the others cannot take it. */
  noCandidate(route: string, who: string | undefined): GatewayError {
    if (this.policyRefused.length > 0) {
      const reasons = [...new Set(this.policyRefused)];
      return new GatewayError('forbidden', `Refused by policy${who === undefined ? '' : ` for ${who}`}: no candidate of route '${route}' is allowed (${reasons.join('; ')})`);
    }
    return new GatewayError('invalid_request', `No provider on route '${route}' can serve this request: ${this.refused.join('; ')}`);
  }

  providerId(index: number): string {
    return (this.candidates[index] as Candidate).provider.id;
  }

  /**
   * The first healthy candidate with free capacity. With a queue given, candidates someone of equal
   * or higher priority waits for are passed over (a newcomer does not jump that line); the queue's
   * own dispatch calls this without one, since it serves its waiters in order.
   */
  take(queue: DispatchQueue | undefined, serviceClass: ServiceClass): Reservation | undefined {
    for (const [index, candidate] of this.candidates.entries()) {
      const id = candidate.provider.id;
      if (this.tried.has(index) || !this.breakers.wouldAdmit(id)) continue;
      if (queue !== undefined && queue.hasWaitersAhead(id, serviceClass)) continue;
      const lease = candidate.provider.tryAcquire();
      if (lease === undefined) continue;
      if (!this.breakers.admit(id).allowed) {
        lease.release();
        continue;
      }
      return { index, lease };
    }
    return undefined;
  }

  /** Providers of healthy untried candidates that are busy but up: what this request may wait for. */
  waitableProviders(): string[] {
    const providers: string[] = [];
    for (const [index, candidate] of this.candidates.entries()) {
      if (this.tried.has(index) || candidate.provider.capacity().state === 'down') continue;
      if (this.breakers.wouldAdmit(candidate.provider.id)) providers.push(candidate.provider.id);
    }
    return providers;
  }

  /** Untried candidates that are up but whose circuit is open (not paused), the soonest to close first. */
  panicOrder(): number[] {
    const open: Array<{ index: number; until: number }> = [];
    for (const [index, candidate] of this.candidates.entries()) {
      if (this.tried.has(index) || candidate.provider.capacity().state === 'down') continue;
      const status = this.breakers.status(candidate.provider.id);
      if (status.kind === 'open') open.push({ index, until: status.until });
    }
    return open.sort((a, b) => a.until - b.until || a.index - b.index).map((entry) => entry.index);
  }

  /** A lease on the first of these candidates with capacity, the breaker standing aside. */
  takePanic(order: readonly number[]): Reservation | undefined {
    for (const index of order) {
      const lease = (this.candidates[index] as Candidate).provider.tryAcquire();
      if (lease !== undefined) return { index, lease };
    }
    return undefined;
  }

  start(index: number, panic: boolean): Candidate {
    this.tried.add(index);
    const entry = this.entries[index] as RoutingDecisionEntry;
    if (panic) entry.reason = 'circuit open; tried anyway: no other candidate could serve';
    return this.candidates[index] as Candidate;
  }

  used(index: number): void {
    const entry = this.entries[index] as RoutingDecisionEntry;
    entry.outcome = 'used';
    if (entry.reason?.startsWith('circuit open; tried anyway') !== true) delete entry.reason;
  }

  failed(index: number, reason: string): void {
    const entry = this.entries[index] as RoutingDecisionEntry;
    entry.outcome = 'failed';
    entry.reason = reason;
  }

  /** Writes why each untried candidate before `end` is being passed over now. */
  noteSkips(end = this.candidates.length): void {
    for (const [index, candidate] of this.candidates.entries()) {
      const entry = this.entries[index];
      if (index >= end) break;
      if (entry === undefined || this.tried.has(index)) continue;
      const state = candidate.provider.capacity().state;
      const health = this.breakers.status(candidate.provider.id);
      const reason = health.kind !== 'admits' ? `circuit ${this.breakers.describe(candidate.provider.id)}` : state === 'ready' ? undefined : state;
      if (reason === undefined) delete entry.reason;
      else entry.reason = reason;
    }
  }

  /**
   * When the only candidates left that are up were paused by their upstream (429/503/529 with
   * Retry-After): the reason's own error, with the shortest pause left.
   */
  pauseError(): GatewayError | undefined {
    let soonest: { until: number; reason: 'rate_limited' | 'overloaded'; name: string } | undefined;
    for (const [index, candidate] of this.candidates.entries()) {
      if (this.tried.has(index) || candidate.provider.capacity().state === 'down') continue;
      const status = this.breakers.status(candidate.provider.id);
      if (status.kind === 'paused' && (soonest === undefined || status.until < soonest.until)) {
        soonest = { until: status.until, reason: status.reason, name: candidate.provider.name };
      }
    }
    if (soonest === undefined) return undefined;
    const leftMs = Math.max(1, soonest.until - this.breakers.now());
    const what = soonest.reason === 'rate_limited' ? 'is rate limited' : 'is overloaded';
    return new GatewayError(soonest.reason, `Provider ${soonest.name} ${what}; retry in ${Math.ceil(leftMs / 1000)} s`, { retryAfterMs: leftMs });
  }

  unavailable(): GatewayError {
    const names = this.candidates.map(
      (candidate) => `${candidate.provider.name} (${candidate.provider.capacity().state === 'down' ? 'down' : `circuit ${this.breakers.describe(candidate.provider.id)}`})`,
    );
    return new GatewayError('overloaded', `No provider can serve this request now: ${names.join(', ')}`, { retryAfterMs: 5_000 });
  }
}
