import type { GatewayError } from '../canonical/gateway-error.js';
import type { Principal } from '../governance/principal.js';
import type { Logger } from '../platform/logger.js';
import type { CircuitChange } from '../routing/circuit-breaker.js';
import type { Candidate } from '../routing/route-plan.js';
import type { RequestLogRecord } from '../store/records.js';

/**
 * The log lines an operator reads: one per request, one per failed upstream attempt, one per
 * circuit change. Texts that came from upstreams were redacted where they entered (and the logger
 * masks key-shaped strings again); no key or provider secret is among the fields.
 */
export class OperatorLogs {
  constructor(
    private readonly logger: Logger,
    private readonly providerName: (providerId: string) => string | undefined,
  ) {}

  /** One line per request, refused ones included: who, where it went, how it ended, how long. */
  requestEnded(record: RequestLogRecord, principal: Principal | undefined): void {
    const fields: Record<string, unknown> = {
      requestId: record.id,
      keyName: principal?.keyName,
      surface: record.surface,
      model: record.modelRequested ?? undefined,
      route: record.route ?? undefined,
      provider: record.providerId === null ? undefined : (this.providerName(record.providerId) ?? record.providerId),
      providerModel: record.providerModel ?? undefined,
      tier: record.tier ?? undefined,
      workerId: record.workerId ?? undefined,
      stream: record.stream,
      status: record.status,
      errorCode: record.errorCode ?? undefined,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      queueMs: record.queueMs === null ? undefined : round(record.queueMs),
      firstTokenMs: record.firstByteMs === null ? undefined : round(record.firstByteMs),
      ms: round(record.totalMs),
    };
    this.logger.info('request', fields);
  }

  attemptFailed(failure: { requestId: string; candidate: Candidate; error: GatewayError; failover: boolean; cancelled: boolean }): void {
    const { candidate, error } = failure;
    const fields = {
      requestId: failure.requestId,
      provider: candidate.provider.name,
      model: candidate.model,
      tier: candidate.provider.tier,
      code: error.code,
      upstreamStatus: error.upstreamStatus,
      reason: error.message,
      failover: failure.failover,
    };
    // The caller hanging up is not the upstream's failure.
    if (failure.cancelled) this.logger.debug('upstream attempt cancelled: the caller went away', fields);
    else this.logger.warn('upstream attempt failed', fields);
  }

  circuitChanged(change: CircuitChange): void {
    const provider = this.providerName(change.providerId) ?? change.providerId;
    const fields: Record<string, unknown> = { provider, from: change.from, to: change.to };
    if (change.untilMs !== undefined) fields.until = new Date(change.untilMs).toISOString();
    if (change.cause !== undefined) fields.reason = change.cause.message;
    switch (change.to) {
      case 'open':
        this.logger.warn('circuit opened: the provider is skipped while others can serve', fields);
        return;
      case 'paused':
        this.logger.warn(`circuit paused by the upstream (${change.pause === 'rate_limited' ? 'rate limited' : 'overloaded'})`, fields);
        return;
      case 'half-open':
        this.logger.info('circuit half-open: the next request is a trial', fields);
        return;
      case 'closed':
        this.logger.info('circuit closed: the provider answers again', fields);
        return;
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
