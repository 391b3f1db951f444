import type { GatewayError } from '../canonical/gateway-error.js';
import { statusForCode } from '../canonical/gateway-error.js';
import { redactCredentials } from '../platform/redact-credentials.js';
import type { Attempt } from '../routing/execute-with-fallback.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { PolicyDecision, RequestLogRecord, RoutingDecisionEntry } from '../store/records.js';
import type { AnswerMeter } from './answer-meter.js';
import type { ChatCall } from './chat-call.js';

export interface RequestOutcome {
  call: ChatCall;
  plan: RoutePlan | undefined;
  attempt: Attempt | undefined;
  meter: AnswerMeter;
  decision: RoutingDecisionEntry[];
  policyDecisions: PolicyDecision[];
  costUsd: number | undefined;
  failure: GatewayError | undefined;
  /** The status the caller received for `failure` (dialects differ: 529 vs 503). */
  failureStatus: number | undefined;
  queueMs: number;
  endedAt: number;
}

/** What is kept of one request: who, what, where it went and why, how long, how many tokens. */
export function buildRequestRecord(outcome: RequestOutcome): RequestLogRecord {
  const { call, attempt, meter, failure } = outcome;
  const error = failure ?? meter.error;
  const clientAborted = call.signal.aborted;
  // A hang-up surfaces below as a cancelled upstream call ("Request cancelled", a 502 code): unless
  // the caller did receive an answer, the record names the real cause, with nginx's 499.
  const abortedUnanswered = clientAborted && outcome.failureStatus === undefined;
  const status = abortedUnanswered ? 499 : failure !== undefined ? (outcome.failureStatus ?? statusForCode(failure.code)) : 200;
  const stream = attempt?.response.type === 'stream' ? attempt.response : undefined;
  const { principal } = call;
  return {
    id: call.requestId,
    orgId: principal.orgId,
    keyId: principal.keyId,
    surface: call.clientDialect.id,
    modelRequested: call.request.model,
    route: outcome.plan?.route ?? null,
    providerId: attempt?.candidate.provider.id ?? null,
    providerModel: attempt?.candidate.model ?? null,
    tier: attempt?.candidate.provider.tier ?? null,
    workerId: stream?.workerId ?? null,
    stream: call.request.stream,
    status,
    errorCode: abortedUnanswered ? 'client_aborted' : (error?.code ?? null),
    // Defence in depth: error text from upstreams is redacted where it enters, and again here.
    errorMessage: error === undefined ? null : redactCredentials(error.message),
    finishReason: meter.finishReason?.raw ?? meter.finishReason?.unified ?? null,
    inputTokens: meter.usage.inputTokens,
    outputTokens: meter.usage.outputTokens,
    cacheReadTokens: meter.usage.cacheReadTokens,
    cacheWriteTokens: meter.usage.cacheWriteTokens,
    reasoningTokens: meter.usage.reasoningTokens,
    costUsd: outcome.costUsd ?? null,
    startedAt: call.receivedAtEpochMs,
    queueMs: outcome.queueMs,
    firstByteMs: meter.firstContentAt === undefined ? null : meter.firstContentAt - call.receivedAt,
    totalMs: outcome.endedAt - call.receivedAt,
    clientAborted,
    decision: outcome.decision.map((entry) => (entry.reason === undefined ? entry : { ...entry, reason: redactCredentials(entry.reason) })),
    teamId: principal.teamId ?? null,
    userId: principal.identity.kind === 'user' ? principal.identity.id : null,
    serviceAccountId: principal.identity.kind === 'service-account' ? principal.identity.id : null,
    agentId: call.agentId ?? null,
    policyDecisions: outcome.policyDecisions,
  };
}
