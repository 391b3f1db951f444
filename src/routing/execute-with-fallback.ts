import { isMeaningfulEvent } from '../canonical/chat-event.js';
import type { ChatRequest } from '../canonical/chat-request.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Policy } from '../governance/policy.js';
import type { ServiceClass } from '../governance/principal.js';
import type { RequestTrace } from '../observability/request-trace.js';
import type { Clock } from '../platform/clock.js';
import type { CapacityLease, ProviderResponse, StreamChunk, StreamResponse } from '../providers/provider.js';
import type { RoutingDecisionEntry } from '../store/records.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import { CandidateStates } from './candidate-states.js';
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
  /** The caller's policy: candidates it forbids are skipped (and named in the decision). */
  policy?: Policy;
  /** Whose policy it is, for messages (`team 'eng'`). */
  policyHolder?: string;
  /** The team (or key) the request is counted under when waiting: waiters are served fairly between teams. */
  team?: string;
  /** The request's trace: each attempt becomes a span, whose context goes to the upstream. */
  trace?: RequestTrace;
}

export interface ExecutionDependencies {
  breakers: CircuitBreakers;
  queue: DispatchQueue;
  clock: Clock;
  observer?: ExecutionObserver;
}

/** Told of what operators watch in execution (logs, metrics). Must be cheap and must not throw. */
export interface ExecutionObserver {
  /** A candidate failed before answering; `failover` when the next one will be tried. */
  attemptFailed(failure: { requestId: string; candidate: Candidate; error: GatewayError; failover: boolean; cancelled: boolean }): void;
  /** A wait for capacity ended: capacity was taken, or the wait was refused or given up. */
  waited(serviceClass: ServiceClass, ms: number, outcome: QueueWaitOutcome): void;
}

export type QueueWaitOutcome = 'served' | 'refused' | 'cancelled';

/**
 * Tries the plan's candidates in order until one starts answering.
 *
 * Each try takes the first candidate that is healthy (its circuit admits it), has free capacity
 * (a lease), and has nobody of equal or higher priority waiting for it. When every healthy
 * candidate is busy, the request waits for them by service class. When no candidate left is
 * healthy, the breakers stand aside: the one whose cool-down ends first is tried anyway (Envoy's
 * panic mode), so a breaker alone never makes a model unavailable — unless those candidates are
 * paused at the upstream's own request (Retry-After), which the caller is then told.
 *
 * The commit rule: failover is transparent only while nothing has reached the caller. A candidate
 * counts as answering once its first meaningful event arrives (text, reasoning, a tool call, the
 * end of the answer); a refused connection, a 429, a 5xx, or an error event before that moves on
 * to the next candidate. Once this function returns, later failures become in-stream errors.
 */
export async function executeWithFallback(plan: RoutePlan, context: ExecutionContext, dependencies: ExecutionDependencies): Promise<Attempt> {
  const { breakers, queue, clock } = dependencies;
  const states = new CandidateStates(plan, context, breakers);
  if (states.remaining() === 0) throw states.noCandidate(plan.route, context.policyHolder);
  let lastError: GatewayError | undefined;

  for (;;) {
    if (callerLeft(context.signal)) throw new GatewayError('upstream_error', 'The caller went away', { retryable: false });
    // The common case takes capacity at once, without going through the queue's promise.
    let reservation = states.take(queue, context.serviceClass);
    let panic = false;
    if (reservation !== undefined) {
      // Only the candidates passed over get their reasons written down.
      if (reservation.index > 0) states.noteSkips(reservation.index);
    } else {
      states.noteSkips();
      let providers = states.waitableProviders();
      if (providers.length === 0) {
        const open = states.panicOrder();
        if (open.length === 0) throw states.pauseError() ?? lastError ?? states.unavailable();
        panic = true;
        providers = open.map((index) => states.providerId(index));
        reservation = states.takePanic(open);
      }
      if (reservation === undefined) {
        const waitStarted = clock.monotonic();
        const take = panic ? () => states.takePanic(states.panicOrder()) : () => states.take(undefined, context.serviceClass);
        let outcome: QueueWaitOutcome = 'served';
        try {
          reservation = await queue.acquire({ serviceClass: context.serviceClass, team: context.team ?? context.requestId, providers, take, signal: context.signal });
        } catch (error) {
          outcome = callerLeft(context.signal) ? 'cancelled' : 'refused';
          throw error;
        } finally {
          const waited = clock.monotonic() - waitStarted;
          context.queueMs += waited;
          dependencies.observer?.waited(context.serviceClass, waited, outcome);
        }
      }
    }
    const { index, lease } = reservation;
    const candidate = states.start(index, panic);
    const outcome = await attemptCandidate(candidate, lease, context);
    if (outcome.attempt !== undefined) {
      breakers.recordSuccess(candidate.provider.id);
      states.used(index);
      return outcome.attempt;
    }
    const error = outcome.error;
    const cancelled = callerLeft(context.signal);
    states.failed(index, cancelled ? 'cancelled: the caller went away' : error.message);
    if (isProviderFault(error)) breakers.recordFailure(candidate.provider.id, error);
    else if (!panic) breakers.releaseProbe(candidate.provider.id);
    dependencies.observer?.attemptFailed({ requestId: context.requestId, candidate, error, failover: error.retryable && !cancelled, cancelled });
    if (!error.retryable || cancelled) throw error;
    lastError = error;
  }
}

/** Read anew at each use: the caller can leave during any await (a narrowed property read would not say so). */
function callerLeft(signal: AbortSignal): boolean {
  return signal.aborted;
}

type AttemptOutcome = { attempt: Attempt; error?: undefined } | { attempt?: undefined; error: GatewayError };

async function attemptCandidate(candidate: Candidate, lease: CapacityLease, context: ExecutionContext): Promise<AttemptOutcome> {
  const { provider, model } = candidate;
  const trace = context.trace?.attempt({ providerName: provider.name, providerKind: provider.kind, tier: provider.tier, model });
  const outcome = await openCandidate(candidate, lease, context, trace?.headers);
  if (outcome.attempt !== undefined) trace?.answering();
  else trace?.failed(outcome.error);
  return outcome;
}

async function openCandidate(
  candidate: Candidate,
  lease: CapacityLease,
  context: ExecutionContext,
  traceHeaders: Readonly<Record<string, string>> | undefined,
): Promise<AttemptOutcome> {
  let response: ProviderResponse;
  try {
    response = await candidate.provider.open({
      lease,
      request: context.request,
      model: candidate.model,
      requestId: context.requestId,
      signal: context.signal,
      traceHeaders,
    });
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

/**
 * Failures that say something about the provider's health. An upstream's answer that judges the
 * request (400, 401, 403, 404, 413, 422) is that request's error: counting it would let one
 * caller's requests open a circuit for everyone.
 */
const REQUEST_ERROR_STATUSES = new Set([400, 401, 403, 404, 413, 422]);

function isProviderFault(error: GatewayError): boolean {
  if (error.upstreamStatus !== undefined && REQUEST_ERROR_STATUSES.has(error.upstreamStatus)) return false;
  return error.retryable && error.code !== 'no_capacity';
}

function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError
    ? error
    : new GatewayError('upstream_error', error instanceof Error ? error.message : String(error), { cause: error });
}
