import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestLogRecord } from '../store/records.js';
import { rollupsOf } from './usage-rollups.js';

function record(startedAt: number): RequestLogRecord {
  return {
    id: `req_${startedAt}`,
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
    totalMs: 10,
    clientAborted: false,
    decision: [],
    teamId: null,
    userId: null,
    serviceAccountId: null,
    agentId: null,
    policyDecisions: [],
  };
}

describe('rollupsOf', () => {
  it('counts each record on its own UTC day, in any order, across midnight', () => {
    const midnight = Date.UTC(2026, 11, 3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 1, maxLength: 50 }), (offsets) => {
        const rollups = rollupsOf(offsets.map((offset) => record(midnight + offset)));
        const expected = new Map<string, number>();
        for (const offset of offsets) {
          const day = new Date(midnight + offset).toISOString().slice(0, 10);
          expected.set(day, (expected.get(day) ?? 0) + 1);
        }
        expect(new Map(rollups.map((rollup) => [rollup.day, rollup.requests]))).toEqual(expected);
      }),
    );
  });
});
