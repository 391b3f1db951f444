import type { GatewayError } from '../canonical/gateway-error.js';
import { statusForCode } from '../canonical/gateway-error.js';
import type { Principal } from '../governance/principal.js';
import { redactCredentials } from '../platform/redact-credentials.js';
import type { RequestLogRecord } from '../store/records.js';

export interface RejectedRequest {
  requestId: string;
  surface: string;
  /** The deployment's organization: a request refused before authentication still belongs to it. */
  orgId: string;
  principal: Principal | undefined;
  model: string | undefined;
  stream: boolean;
  error: GatewayError;
  /** The status the caller actually received (dialects differ, e.g. 529 vs 503). */
  status?: number;
  startedAt: number;
  totalMs: number;
}

/** The record of a request refused before it reached a provider (bad key, bad body, ...). */
export function rejectedRequestRecord(rejected: RejectedRequest): RequestLogRecord {
  return {
    id: rejected.requestId,
    orgId: rejected.principal?.orgId ?? rejected.orgId,
    keyId: rejected.principal?.keyId ?? null,
    surface: rejected.surface,
    modelRequested: rejected.model ?? null,
    route: null,
    providerId: null,
    providerModel: null,
    tier: null,
    workerId: null,
    stream: rejected.stream,
    status: rejected.status ?? statusForCode(rejected.error.code),
    errorCode: rejected.error.code,
    errorMessage: redactCredentials(rejected.error.message),
    finishReason: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    startedAt: rejected.startedAt,
    queueMs: null,
    firstByteMs: null,
    totalMs: rejected.totalMs,
    clientAborted: false,
    decision: [],
    teamId: rejected.principal?.teamId ?? null,
    userId: rejected.principal?.identity.kind === 'user' ? rejected.principal.identity.id : null,
    serviceAccountId: rejected.principal?.identity.kind === 'service-account' ? rejected.principal.identity.id : null,
    agentId: null,
    policyDecisions: [],
  };
}
