import type { GatewayError } from '../canonical/gateway-error.js';
import type { Admission, Admissions } from '../governance/admission.js';
import { costOf } from '../governance/pricing.js';
import type { RequestLogWriter } from '../governance/request-log-writer.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { AnswerLimits } from '../providers/answer-limits.js';
import { executeWithFallback, type Attempt, type ExecutionContext, type ExecutionDependencies } from '../routing/execute-with-fallback.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { RoutePlanner } from '../routing/route-planner.js';
import type { PolicyDecision } from '../store/records.js';
import { AnswerMeter } from './answer-meter.js';
import type { ChatCall } from './chat-call.js';
import { estimateInputTokens } from './estimate-tokens.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { buildRequestRecord } from './request-record.js';
import { applyRequestRules, DEFAULT_OUTPUT_ESTIMATE } from './request-rules.js';
import { relayAnswer } from './relay-answer.js';
import { answerableError } from './unexpected-error.js';

export interface ChatServiceDependencies extends ExecutionDependencies {
  planner: RoutePlanner;
  admissions: Admissions;
  requestLog: RequestLogWriter;
  clock: Clock;
  logger: Logger;
  limits: AnswerLimits;
}

/**
 * Serves one chat request end to end: apply the caller's policy (limits, budget, output ceiling),
 * plan the route, start the first allowed candidate that answers, relay its answer in the caller's
 * dialect, and record what happened. Every path ends in a correct answer or a clean error in the
 * caller's dialect, in exactly one request record, and with every reservation given back.
 */
export class ChatService {
  constructor(private readonly dependencies: ChatServiceDependencies) {}

  async handle(call: ChatCall): Promise<void> {
    const { clock, admissions } = this.dependencies;
    const { principal, request } = call;
    const meter = new AnswerMeter(() => clock.monotonic());
    if (principal.policy.storeBodies === true) meter.capture();
    const policyDecisions: PolicyDecision[] = [];
    const notes = applyRequestRules(request, principal, policyDecisions);
    const execution: ExecutionContext = {
      request,
      requestId: call.requestId,
      serviceClass: principal.serviceClass,
      signal: call.signal,
      decision: [],
      queueMs: 0,
      policy: principal.policy,
      team: principal.teamId ?? `key:${principal.keyId}`,
      ...(call.trace === undefined ? {} : { trace: call.trace }),
      ...(principal.teamName === undefined ? {} : { policyHolder: `team '${principal.teamName}'` }),
    };
    let admission: Admission | undefined;
    let plan: RoutePlan | undefined;
    let attempt: Attempt | undefined;
    let failure: GatewayError | undefined;
    let failureStatus: number | undefined;
    try {
      admission = await admissions.admit(
        principal,
        () => ({ inputTokens: estimateInputTokens(request), maxOutputTokens: request.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE }),
        policyDecisions,
      );
      plan = this.dependencies.planner.plan(request.model);
      attempt = await executeWithFallback(plan, execution, this.dependencies);
      await relayAnswer(attempt, {
        request,
        clientDialect: call.clientDialect,
        sink: call.sink,
        meter,
        signal: call.signal,
        maxAnswerBytes: this.dependencies.limits.maxAnswerBytes,
        headers: { ...answerHeaders(call, plan, attempt, execution.queueMs, notes), ...rateLimitHeaders(call.clientDialect.id, admission.rateLimits, clock.now()) },
      });
    } catch (error) {
      failure = answerableError(error, this.dependencies.logger, { requestId: call.requestId });
      call.onFailure?.(failure);
      failureStatus = this.writeFailure(call, failure, rateLimitHeaders(call.clientDialect.id, failure.rateLimits ?? admission?.rateLimits, clock.now()));
    } finally {
      const costUsd = attempt === undefined ? undefined : costOfAttempt(attempt, meter);
      await admission?.settle(meter.usage, costUsd).catch((error: unknown) => this.dependencies.logger.error('settling limits failed', { error: String(error) }));
      const record = buildRequestRecord({
        call,
        plan,
        attempt,
        meter,
        decision: execution.decision,
        policyDecisions,
        costUsd,
        failure,
        failureStatus,
        queueMs: execution.queueMs,
        endedAt: clock.monotonic(),
      });
      const captured = meter.capturedText;
      this.dependencies.requestLog.append(
        record,
        principal,
        captured === undefined ? undefined : { requestId: record.id, orgId: principal.orgId, startedAt: record.startedAt, request: request.source.raw.toString('utf8'), response: captured },
      );
      call.trace?.end({ record, request, responseModel: meter.responseModel, responseId: meter.responseId });
    }
  }

  /** Writes the failure in the caller's dialect; returns the status the caller received, if any. */
  private writeFailure(call: ChatCall, failure: GatewayError, limitHeaders: Record<string, string>): number | undefined {
    const { sink } = call;
    if (sink.closed) return undefined;
    if (sink.committed) {
      sink.end(call.clientDialect.encodeStreamError(failure));
      return undefined;
    }
    const encoded = call.clientDialect.encodeError(failure, call.requestId);
    const body = JSON.stringify(encoded.body);
    sink.commit(encoded.status, {
      ...encoded.headers,
      ...limitHeaders,
      ...requestIdHeaders(call),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    sink.end(body);
    return encoded.status;
  }
}

/** What the answer cost: the upstream's own figure, the provider's price, or the public price data. */
function costOfAttempt(attempt: Attempt, meter: AnswerMeter): number | undefined {
  const { provider, model } = attempt.candidate;
  const reported = attempt.response.type === 'stream' ? attempt.response.costUsd?.() : undefined;
  return costOf({ providerKind: provider.kind, overrides: provider.priceOverrides?.(), model, usage: meter.usage, reportedUsd: reported });
}

function answerHeaders(call: ChatCall, plan: RoutePlan, attempt: Attempt, queueMs: number, notes: readonly string[]): Record<string, string> {
  const { provider, model } = attempt.candidate;
  const headers = requestIdHeaders(call);
  headers['x-auxot-route'] = plan.route;
  headers['x-auxot-provider'] = provider.name;
  headers['x-auxot-tier'] = provider.tier;
  headers['x-auxot-model'] = model;
  headers['x-auxot-queue-ms'] = String(Math.round(queueMs * 10) / 10);
  const warnings = [...notes, ...(attempt.response.warnings ?? [])];
  // Nothing dropped or changed silently: features lost in translation and policy changes are named (header values are ASCII).
  if (warnings.length > 0) headers['x-auxot-warnings'] = headerSafe(warnings.join('; ')).slice(0, 2000);
  return headers;
}

function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function requestIdHeaders(call: ChatCall): Record<string, string> {
  // Anthropic's SDK reads `request-id`; OpenAI's reads `x-request-id`.
  return call.clientDialect.id === 'anthropic-messages'
    ? { 'x-request-id': call.requestId, 'request-id': call.requestId }
    : { 'x-request-id': call.requestId };
}
