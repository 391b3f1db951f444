import { isMeaningfulEvent } from '../canonical/chat-event.js';
import type { ChatRequest } from '../canonical/chat-request.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { ProviderResponse, StreamChunk, StreamResponse } from '../providers/provider.js';
import type { RoutingDecisionEntry } from '../store/records.js';
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
  signal: AbortSignal;
  /** Every candidate's fate is appended here, for the request record and the audit trail. */
  decision: RoutingDecisionEntry[];
}

/**
 * Tries the plan's candidates in order until one starts answering.
 *
 * The commit rule: failover is transparent only while nothing has reached the caller. A candidate
 * counts as answering once its first meaningful event arrives (text, reasoning, a tool call, the
 * end of the answer); an error before that, a refused connection, a 429 or a 5xx moves on to the
 * next candidate. After this function returns, failures become in-stream errors, never a retry.
 */
export async function executeWithFallback(plan: RoutePlan, context: ExecutionContext): Promise<Attempt> {
  let lastError: GatewayError | undefined;
  for (const candidate of plan.candidates) {
    if (context.signal.aborted) break;
    const { provider, model } = candidate;
    const entry: RoutingDecisionEntry = { provider: provider.name, model, tier: provider.tier, outcome: 'skipped' };
    context.decision.push(entry);
    const capacity = provider.capacity();
    if (capacity.state !== 'ready') {
      entry.reason = capacity.state;
      lastError ??= new GatewayError('no_capacity', `Provider ${provider.name} is ${capacity.state}`);
      continue;
    }
    let response: ProviderResponse;
    try {
      response = await provider.open({ request: context.request, model, requestId: context.requestId, signal: context.signal });
    } catch (error) {
      const failure = asGatewayError(error);
      entry.outcome = 'failed';
      entry.reason = failure.message;
      if (!failure.retryable || context.signal.aborted) throw failure;
      lastError = failure;
      continue;
    }
    if (response.type === 'whole') {
      entry.outcome = 'used';
      return { candidate, response, primed: [] };
    }
    const primed = await primeStream(response);
    if (primed.failure !== undefined) {
      response.cancel();
      entry.outcome = 'failed';
      entry.reason = primed.failure.message;
      if (!primed.failure.retryable || context.signal.aborted) throw primed.failure;
      lastError = primed.failure;
      continue;
    }
    entry.outcome = 'used';
    return { candidate, response, primed: primed.chunks };
  }
  if (context.signal.aborted) throw new GatewayError('upstream_error', 'The caller went away', { retryable: false });
  throw lastError ?? new GatewayError('no_capacity', 'No provider could take the request');
}

interface PrimedStream {
  chunks: StreamChunk[];
  failure?: GatewayError;
}

/** Reads until the first meaningful event; an error (or the end) before it is a pre-commit failure. */
async function primeStream(response: StreamResponse): Promise<PrimedStream> {
  const chunks: StreamChunk[] = [];
  for (;;) {
    const next = await response.chunks.next();
    if (next.done === true) {
      return { chunks, failure: new GatewayError('upstream_error', 'The upstream closed the stream before answering') };
    }
    chunks.push(next.value);
    for (const event of next.value.events) {
      if (event.type === 'error') return { chunks, failure: event.error };
      if (isMeaningfulEvent(event)) return { chunks };
    }
  }
}

function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError
    ? error
    : new GatewayError('upstream_error', error instanceof Error ? error.message : String(error), { cause: error });
}
