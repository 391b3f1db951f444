import { isMeaningfulEvent } from '../canonical/chat-event.js';
import type { ChatRequest } from '../canonical/chat-request.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { ServiceClass } from '../governance/principal.js';
import type { Clock } from '../platform/clock.js';
import type { CapacityLease, ProviderResponse, StreamChunk, StreamResponse } from '../providers/provider.js';
import type { RoutingDecisionEntry } from '../store/records.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import type { DispatchQueue } from './dispatch-queue.js';
import type { Candidate, RoutePlan } from './route-plan.js';

/** A provider that has started answering, plus what was read from it before committing. */
export interface Attempt {
  candidate: Candidate;
  response: ProviderResponse;
  /** Chunks read while waiting for the first meaningful event; relayed before the rest. */
  primed: StreamChunk[];
}

export interface ExecutionContext {
  request: ChatRequest;
  requestId: string;
  serviceClass: ServiceClass;
  signal: AbortSignal;
  /** One entry per candidate: used, failed (why) or skipped (why). */
  decision: RoutingDecisionEntry[];
  /** Milliseconds spent waiting for capacity, summed over waits. */
  queueMs: number;
}

export interface ExecutionDependencies {
  breakers: CircuitBreakers;
  queue: DispatchQueue;
  clock: Clock;
}

interface Reservation {
  index: number;
  lease: CapacityLease;
}

/**
 * Tries the plan's candidates in order until one starts answering.
 *
 * Each try takes the first candidate that is healthy (its circuit admits it) and has free
 * capacity (a lease). When every remaining candidate is busy, the request waits in the dispatch
 * queue by service class. When none could ever take it (all down, all circuits open), it fails
 * at once rather than wait.
 *
 * The commit rule: failover is transparent only while nothing has reached the caller. A candidate
 * counts as answering once its first meaningful event arrives (text, reasoning, a tool call, the
 * end of the answer); a refused connection, a 429, a 5xx, or an error event before that moves on
 * to the next candidate. Once this function returns, later failures become in-stream errors.
 */
export async function executeWithFallback(plan: RoutePlan, context: ExecutionContext, dependencies: ExecutionDependencies): Promise<Attempt> {
  const { breakers, queue, clock } = dependencies;
  const { candidates } = plan;
  const tried = new Set<number>();
  const entries = candidates.map((candidate, index): RoutingDecisionEntry => {
    const entry: RoutingDecisionEntry = { provider: candidate.provider.name, model: candidate.model, tier: candidate.provider.tier, outcome: 'skipped' };
    context.decision.push(entry);
    const refusal = candidate.provider.refusal?.(context.request);
    if (refusal !== undefined) {
      entry.reason = refusal;
      tried.add(index);
    }
    return entry;
  });
  let lastError: GatewayError | undefined;
  if (tried.size === candidates.length) {
    throw new GatewayError('invalid_request', `No provider on route '${plan.route}' can serve this request: ${entries.map((entry) => entry.reason).join('; ')}`);
  }

  const take = (): Reservation | undefined => {
    for (const [index, candidate] of candidates.entries()) {
      if (tried.has(index) || !breakers.wouldAdmit(candidate.provider.id)) continue;
      const lease = candidate.provider.tryAcquire();
      if (lease === undefined) continue;
      if (!breakers.admit(candidate.provider.id).allowed) {
        lease.release();
        continue;
      }
      return { index, lease };
    }
    return undefined;
  };

  for (;;) {
    if (context.signal.aborted) throw new GatewayError('upstream_error', 'The caller went away', { retryable: false });
    // The common case takes capacity at once, without going through the queue's promise; only the
    // candidates passed over get their reasons written down.
    let reservation = queue.size === 0 ? take() : undefined;
    if (reservation === undefined) {
      noteSkips(candidates, entries, tried, breakers, candidates.length);
      if (!anyCouldServe(candidates, tried, breakers)) throw lastError ?? unavailable(candidates, breakers);
      const waitStarted = clock.monotonic();
      reservation = await queue.acquire(context.serviceClass, take, context.signal);
      context.queueMs += clock.monotonic() - waitStarted;
    } else if (reservation.index > 0) {
      noteSkips(candidates, entries, tried, breakers, reservation.index);
    }
    const { index, lease } = reservation;
    tried.add(index);
    const candidate = candidates[index] as Candidate;
    const entry = entries[index] as RoutingDecisionEntry;
    const failure = await attemptCandidate(candidate, lease, context);
    if (failure.attempt !== undefined) {
      breakers.recordSuccess(candidate.provider.id);
      entry.outcome = 'used';
      delete entry.reason;
      return failure.attempt;
    }
    const error = failure.error;
    entry.outcome = 'failed';
    entry.reason = context.signal.aborted ? 'cancelled: the caller went away' : error.message;
    if (isProviderFault(error)) breakers.recordFailure(candidate.provider.id, error);
    else breakers.releaseProbe(candidate.provider.id);
    if (!error.retryable || context.signal.aborted) throw error;
    lastError = error;
  }
}

type AttemptOutcome = { attempt: Attempt; error?: undefined } | { attempt?: undefined; error: GatewayError };

async function attemptCandidate(candidate: Candidate, lease: CapacityLease, context: ExecutionContext): Promise<AttemptOutcome> {
  let response: ProviderResponse;
  try {
    response = await candidate.provider.open({ lease, request: context.request, model: candidate.model, requestId: context.requestId, signal: context.signal });
  } catch (error) {
    return { error: asGatewayError(error) };
  }
  if (response.type === 'whole') return { attempt: { candidate, response, primed: [] } };
  const primed = await primeStream(response);
  if (primed.failure !== undefined) {
    response.cancel();
    return { error: primed.failure };
  }
  return { attempt: { candidate, response, primed: primed.chunks } };
}

/** Reads until the first meaningful event; an error (or the end) before it is a pre-commit failure. */
async function primeStream(response: StreamResponse): Promise<{ chunks: StreamChunk[]; failure?: GatewayError }> {
  const chunks: StreamChunk[] = [];
  for (;;) {
    const next = await response.chunks.next();
    if (next.done === true) return { chunks, failure: new GatewayError('upstream_error', 'The upstream closed the stream before answering') };
    chunks.push(next.value);
    for (const event of next.value.events) {
      if (event.type === 'error') return { chunks, failure: event.error };
      if (isMeaningfulEvent(event)) return { chunks };
    }
  }
}

/** Failures that say something about the provider's health (not about the request). */
function isProviderFault(error: GatewayError): boolean {
  return error.retryable && error.code !== 'no_capacity';
}

function anyCouldServe(candidates: readonly Candidate[], tried: ReadonlySet<number>, breakers: CircuitBreakers): boolean {
  return candidates.some(
    (candidate, index) => !tried.has(index) && candidate.provider.capacity().state !== 'down' && breakers.wouldAdmit(candidate.provider.id),
  );
}

/** Writes why each untried candidate before `end` was passed over. */
function noteSkips(candidates: readonly Candidate[], entries: RoutingDecisionEntry[], tried: ReadonlySet<number>, breakers: CircuitBreakers, end: number): void {
  for (let index = 0; index < end; index++) {
    const candidate = candidates[index];
    const entry = entries[index];
    if (candidate === undefined || entry === undefined || tried.has(index)) continue;
    const state = candidate.provider.capacity().state;
    entry.reason = !breakers.wouldAdmit(candidate.provider.id) ? `circuit ${breakers.describe(candidate.provider.id)}` : state === 'ready' ? undefined : state;
    if (entry.reason === undefined) delete entry.reason;
  }
}

function unavailable(candidates: readonly Candidate[], breakers: CircuitBreakers): GatewayError {
  const names = candidates.map((candidate) => `${candidate.provider.name} (${candidate.provider.capacity().state === 'down' ? 'down' : `circuit ${breakers.describe(candidate.provider.id)}`})`);
  return new GatewayError('overloaded', `No provider can serve this request now: ${names.join(', ')}`, { retryAfterMs: 5_000 });
}

function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError
    ? error
    : new GatewayError('upstream_error', error instanceof Error ? error.message : String(error), { cause: error });
}
