import type { RequestLogRecord } from '../records.js';

/** A plain, successful request record of org_1 / key_1 / prov_1, started at `startedAt`. */
export function requestRecord(id: string, startedAt: number): RequestLogRecord {
  return {
    id,
    orgId: 'org_1',
    keyId: 'key_1',
    surface: 'openai-chat',
    modelRequested: 'm',
    route: 'm',
    providerId: 'prov_1',
    providerModel: 'm',
    tier: 'cloud',
    workerId: null,
    stream: false,
    status: 200,
    errorCode: null,
    errorMessage: null,
    finishReason: 'stop',
    inputTokens: 1,
    outputTokens: 2,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    startedAt,
    queueMs: 0,
    firstByteMs: 1,
    totalMs: 2,
    clientAborted: false,
    decision: [],
    teamId: null,
    userId: null,
    serviceAccountId: null,
    agentId: null,
    policyDecisions: [],
  };
}
