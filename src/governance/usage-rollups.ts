import type { UsageRollupRecord } from '../store/governance-records.js';
import type { RequestLogRecord } from '../store/records.js';
import { bucketOf, emptyBuckets } from './duration-buckets.js';

/** One batch of request records, summed per UTC day and who/where: what the usage roll-ups add. */
export function rollupsOf(records: readonly RequestLogRecord[]): UsageRollupRecord[] {
  const groups = new Map<string, UsageRollupRecord>();
  for (const record of records) {
    if (record.orgId === null) continue;
    const day = new Date(record.startedAt).toISOString().slice(0, 10);
    const dimensions = {
      orgId: record.orgId,
      day,
      teamId: record.teamId ?? '',
      userId: record.userId ?? '',
      serviceAccountId: record.serviceAccountId ?? '',
      keyId: record.keyId ?? '',
      providerId: record.providerId ?? '',
      model: record.providerModel ?? record.modelRequested ?? '',
    };
    const key = Object.values(dimensions).join('\u0000');
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        ...dimensions,
        requests: 0,
        errors: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        costUsd: 0,
        durationBuckets: emptyBuckets(),
      };
      groups.set(key, group);
    }
    group.requests++;
    if (record.status >= 400) group.errors++;
    group.inputTokens += record.inputTokens;
    group.outputTokens += record.outputTokens;
    group.cacheReadTokens += record.cacheReadTokens;
    group.cacheWriteTokens += record.cacheWriteTokens;
    group.reasoningTokens += record.reasoningTokens;
    group.costUsd += record.costUsd ?? 0;
    const bucket = bucketOf(record.totalMs);
    group.durationBuckets[bucket] = (group.durationBuckets[bucket] ?? 0) + 1;
  }
  return [...groups.values()];
}
