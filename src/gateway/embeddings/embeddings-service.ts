import type { EmbeddingRequest, EmbeddingResult } from '../../canonical/embeddings.js';
import { GatewayError, statusForCode, toGatewayError } from '../../canonical/gateway-error.js';
import type { Principal } from '../../governance/principal.js';
import type { RequestLogWriter } from '../../governance/request-log-writer.js';
import type { Clock } from '../../platform/clock.js';
import type { CapacityLease } from '../../providers/provider.js';
import type { CircuitBreakers } from '../../routing/circuit-breaker.js';
import type { DispatchQueue } from '../../routing/dispatch-queue.js';
import type { Candidate, RoutePlan } from '../../routing/route-plan.js';
import type { RoutePlanner } from '../../routing/route-planner.js';
import type { PolicyDecision, RoutingDecisionEntry } from '../../store/records.js';
import { emptyUsage } from '../../canonical/usage.js';
import type { Admission, Admissions } from '../../governance/admission.js';
import { candidateRefusal } from '../../governance/candidate-policy.js';
import { costOf } from '../../governance/pricing.js';

export interface EmbeddingsServiceDependencies {
  planner: RoutePlanner;
  admissions: Admissions;
  breakers: CircuitBreakers;
  queue: DispatchQueue;
  requestLog: RequestLogWriter;
  clock: Clock;
}

export interface EmbeddingCallContext {
  request: EmbeddingRequest;
  principal: Principal;
  requestId: string;
  signal: AbortSignal;
  receivedAt: number;
  receivedAtEpochMs: number;
  /** The status the caller received for a failure, when the surface knows it. */
  statusFor?(error: GatewayError): number;
}

export interface EmbeddingOutcome {
  result: EmbeddingResult;
  candidate: Candidate;
  route: string;
}

/**
 * Embeddings routed like chat: the same routes, cascade, circuit breakers and dispatch queue, over
 * the candidates whose provider serves embeddings (OpenAI and OpenAI-compatible upstreams, GPU
 * workers). A whole answer, so failover is possible until it arrives. Every request is recorded.
 */
export class EmbeddingsService {
  constructor(private readonly dependencies: EmbeddingsServiceDependencies) {}

  async embed(context: EmbeddingCallContext): Promise<EmbeddingOutcome> {
    const decision: RoutingDecisionEntry[] = [];
    const policyDecisions: PolicyDecision[] = [];
    let plan: RoutePlan | undefined;
    let outcome: EmbeddingOutcome | undefined;
    let failure: GatewayError | undefined;
    let admission: Admission | undefined;
    const queue = { ms: 0 };
    try {
      admission = await this.dependencies.admissions.admit(
        context.principal,
        () => ({ inputTokens: Math.ceil(context.request.input.reduce((sum, text) => sum + text.length, 0) / 4), maxOutputTokens: 0 }),
        policyDecisions,
      );
      plan = this.dependencies.planner.plan(context.request.model);
      outcome = await this.run(plan, context, decision, queue);
      return outcome;
    } catch (error) {
      failure = toGatewayError(error);
      throw failure;
    } finally {
      const usage = { ...emptyUsage, inputTokens: outcome?.result.inputTokens ?? 0 };
      const provider = outcome?.candidate.provider;
      const costUsd =
        outcome === undefined || provider === undefined
          ? undefined
          : costOf({ providerKind: provider.kind, overrides: provider.priceOverrides?.(), model: outcome.candidate.model, usage, reportedUsd: undefined });
      await admission?.settle(usage, costUsd).catch(() => undefined);
      this.record(context, plan, outcome, failure, decision, queue.ms, policyDecisions, costUsd);
    }
  }

  private async run(plan: RoutePlan, context: EmbeddingCallContext, decision: RoutingDecisionEntry[], queue: { ms: number }): Promise<EmbeddingOutcome> {
    const { breakers, clock } = this.dependencies;
    const tried = new Set<number>();
    const policyRefused: string[] = [];
    plan.candidates.forEach((candidate, index) => {
      const entry: RoutingDecisionEntry = { provider: candidate.provider.name, model: candidate.model, tier: candidate.provider.tier, outcome: 'skipped' };
      const forbidden = candidateRefusal(context.principal.policy, context.request.model, plan.alias, { providerName: candidate.provider.name, tier: candidate.provider.tier, model: candidate.model });
      if (forbidden !== undefined) {
        entry.reason = forbidden;
        policyRefused.push(forbidden);
        tried.add(index);
      } else if (candidate.provider.embed === undefined) {
        entry.reason = 'serves no embeddings';
        tried.add(index);
      }
      decision.push(entry);
    });
    if (tried.size === plan.candidates.length) {
      if (policyRefused.length > 0) throw new GatewayError('forbidden', `Refused by policy: no candidate of route '${plan.route}' is allowed (${[...new Set(policyRefused)].join('; ')})`);
      throw new GatewayError('invalid_request', `No provider on route '${plan.route}' serves embeddings`, { param: 'model' });
    }
    const { queue: dispatch } = this.dependencies;
    const serviceClass = context.principal.serviceClass;
    /** With `line` set, candidates someone of equal or higher priority waits for are passed over. */
    const take = (line: DispatchQueue | undefined): { index: number; lease: CapacityLease } | undefined => {
      for (const [index, candidate] of plan.candidates.entries()) {
        const id = candidate.provider.id;
        if (tried.has(index) || !breakers.wouldAdmit(id)) continue;
        if (line !== undefined && line.hasWaitersAhead(id, serviceClass)) continue;
        const lease = candidate.provider.tryAcquire();
        if (lease === undefined) continue;
        if (!breakers.admit(id).allowed) {
          lease.release();
          continue;
        }
        return { index, lease };
      }
      return undefined;
    };
    let lastError: GatewayError | undefined;
    for (;;) {
      if (context.signal.aborted) throw new GatewayError('upstream_error', 'The caller went away', { retryable: false });
      let reservation = take(dispatch);
      if (reservation === undefined) {
        const providers = plan.candidates
          .filter((candidate, index) => !tried.has(index) && candidate.provider.capacity().state !== 'down' && breakers.wouldAdmit(candidate.provider.id))
          .map((candidate) => candidate.provider.id);
        if (providers.length === 0) throw lastError ?? new GatewayError('overloaded', 'No provider can serve these embeddings now', { retryAfterMs: 5_000 });
        const started = clock.monotonic();
        reservation = await dispatch.acquire({
          serviceClass,
          team: context.principal.teamId ?? `key:${context.principal.keyId}`,
          providers,
          take: () => take(undefined),
          signal: context.signal,
        });
        queue.ms += clock.monotonic() - started;
      }
      const { index, lease } = reservation;
      tried.add(index);
      const candidate = plan.candidates[index] as Candidate;
      const entry = decision[index] as RoutingDecisionEntry;
      const embed = candidate.provider.embed;
      try {
        if (embed === undefined) throw new GatewayError('internal', 'provider lost its embeddings support');
        const result = await embed({ lease, request: context.request, model: candidate.model, requestId: context.requestId, signal: context.signal });
        breakers.recordSuccess(candidate.provider.id);
        entry.outcome = 'used';
        return { result, candidate, route: plan.route };
      } catch (error) {
        lease.release();
        const failure = toGatewayError(error);
        entry.outcome = 'failed';
        entry.reason = failure.message;
        // `no_capacity` says nothing about the provider's health (a worker that cannot embed).
        if (failure.retryable && failure.code !== 'no_capacity') breakers.recordFailure(candidate.provider.id, failure);
        else breakers.releaseProbe(candidate.provider.id);
        if (!failure.retryable || callerLeft(context.signal)) throw failure;
        lastError = failure;
      }
    }
  }

  private record(
    context: EmbeddingCallContext,
    plan: RoutePlan | undefined,
    outcome: EmbeddingOutcome | undefined,
    failure: GatewayError | undefined,
    decision: RoutingDecisionEntry[],
    queueMs: number,
    policyDecisions: PolicyDecision[],
    costUsd: number | undefined,
  ): void {
    const { principal } = context;
    const { clock } = this.dependencies;
    const provider = outcome?.candidate.provider;
    const status = failure === undefined ? 200 : (context.statusFor?.(failure) ?? statusForCode(failure.code));
    const ended = clock.monotonic();
    this.dependencies.requestLog.append({
      id: context.requestId,
      orgId: context.principal.orgId,
      keyId: context.principal.keyId,
      surface: 'openai-embeddings',
      modelRequested: context.request.model,
      route: plan?.route ?? null,
      providerId: provider?.id ?? null,
      providerModel: outcome?.candidate.model ?? null,
      tier: provider?.tier ?? null,
      workerId: outcome?.result.workerId ?? null,
      stream: false,
      status: context.signal.aborted && failure !== undefined ? 499 : status,
      errorCode: failure?.code ?? null,
      errorMessage: failure?.message ?? null,
      finishReason: null,
      inputTokens: outcome?.result.inputTokens ?? 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costUsd: costUsd ?? null,
      startedAt: context.receivedAtEpochMs,
      queueMs,
      firstByteMs: outcome === undefined ? null : ended - context.receivedAt,
      totalMs: ended - context.receivedAt,
      clientAborted: context.signal.aborted,
      decision,
      teamId: principal.teamId ?? null,
      userId: principal.identity.kind === 'user' ? principal.identity.id : null,
      serviceAccountId: principal.identity.kind === 'service-account' ? principal.identity.id : null,
      agentId: null,
      policyDecisions,
    });
  }
}

/** Read through a call: the signal may have aborted during the awaits since it was last checked. */
function callerLeft(signal: AbortSignal): boolean {
  return signal.aborted;
}
