import type { GatewayError } from '../canonical/gateway-error.js';
import type { RequestLogWriter } from '../governance/request-log-writer.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { AnswerLimits } from '../providers/answer-limits.js';
import { executeWithFallback, type Attempt, type ExecutionDependencies } from '../routing/execute-with-fallback.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { RoutePlanner } from '../routing/route-planner.js';
import type { RoutingDecisionEntry } from '../store/records.js';
import { AnswerMeter } from './answer-meter.js';
import type { ChatCall } from './chat-call.js';
import { buildRequestRecord } from './request-record.js';
import { relayAnswer } from './relay-answer.js';
import { answerableError } from './unexpected-error.js';

export interface ChatServiceDependencies extends ExecutionDependencies {
  planner: RoutePlanner;
  requestLog: RequestLogWriter;
  clock: Clock;
  logger: Logger;
  limits: AnswerLimits;
}

/**
 * Serves one chat request end to end: plan the route, start the first candidate that answers,
 * relay its answer in the caller's dialect, and record what happened. Every path ends in a correct
 * answer or a clean error in the caller's dialect, and in exactly one request record.
 */
export class ChatService {
  constructor(private readonly dependencies: ChatServiceDependencies) {}

  async handle(call: ChatCall): Promise<void> {
    const { clock } = this.dependencies;
    const meter = new AnswerMeter(() => clock.monotonic());
    const decision: RoutingDecisionEntry[] = [];
    const execution = { request: call.request, requestId: call.requestId, serviceClass: call.principal.serviceClass, signal: call.signal, decision, queueMs: 0, trace: call.trace };
    let plan: RoutePlan | undefined;
    let attempt: Attempt | undefined;
    let failure: GatewayError | undefined;
    let failureStatus: number | undefined;
    try {
      plan = this.dependencies.planner.plan(call.request.model, call.principal);
      attempt = await executeWithFallback(plan, execution, this.dependencies);
      await relayAnswer(attempt, {
        request: call.request,
        clientDialect: call.clientDialect,
        sink: call.sink,
        meter,
        signal: call.signal,
        maxAnswerBytes: this.dependencies.limits.maxAnswerBytes,
        headers: answerHeaders(call, plan, attempt, execution.queueMs),
      });
    } catch (error) {
      failure = answerableError(error, this.dependencies.logger, { requestId: call.requestId });
      failureStatus = this.writeFailure(call, failure);
    } finally {
      const record = buildRequestRecord({ call, plan, attempt, meter, decision, failure, failureStatus, queueMs: execution.queueMs, endedAt: clock.monotonic() });
      this.dependencies.requestLog.append(record, call.principal);
      call.trace?.end({ record, request: call.request, responseModel: meter.responseModel, responseId: meter.responseId });
    }
  }

  /** Writes the failure in the caller's dialect; returns the status the caller received, if any. */
  private writeFailure(call: ChatCall, failure: GatewayError): number | undefined {
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
      ...requestIdHeaders(call),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    sink.end(body);
    return encoded.status;
  }
}

function answerHeaders(call: ChatCall, plan: RoutePlan, attempt: Attempt, queueMs: number): Record<string, string> {
  const { provider, model } = attempt.candidate;
  const headers = requestIdHeaders(call);
  headers['x-auxot-route'] = plan.route;
  headers['x-auxot-provider'] = provider.name;
  headers['x-auxot-tier'] = provider.tier;
  headers['x-auxot-model'] = model;
  headers['x-auxot-queue-ms'] = String(Math.round(queueMs * 10) / 10);
  const warnings = attempt.response.warnings;
  // Nothing dropped silently: features lost in translation are named (header values are ASCII).
  if (warnings !== undefined && warnings.length > 0) headers['x-auxot-warnings'] = headerSafe(warnings.join('; ')).slice(0, 2000);
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
