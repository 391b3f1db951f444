import type { UsageRollupRecord } from '../store/governance-records.js';
import type { RequestLogRecord } from '../store/records.js';
import { bucketOf, emptyBuckets } from './duration-buckets.js';

const DAY_MS = 86_400_000;

/** One batch of request records, summed per UTC day and who/where: what the usage roll-ups add. */
export function rollupsOf(records: readonly RequestLogRecord[]): UsageRollupRecord[] {
  const groups = new Map<string, UsageRollupRecord>();
  // A batch almost always falls within one UTC day: its name is written once, not per record.
  let dayStart = Number.POSITIVE_INFINITY;
  let dayName = '';
  for (const record of records) {
    if (record.orgId === null) continue;
    if (record.startedAt < dayStart || record.startedAt >= dayStart + DAY_MS) {
      dayStart = record.startedAt - (((record.startedAt % DAY_MS) + DAY_MS) % DAY_MS);
      dayName = new Date(dayStart).toISOString().slice(0, 10);
    }
    const day = dayName;
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
