import { sql, type Kysely } from 'kysely';
import { addBuckets, emptyBuckets } from '../../governance/duration-buckets.js';
import type { UsageRollupRecord } from '../governance-records.js';
import type { UsageDimension, UsageQuery, UsageRepository, UsageRow } from '../governance-repositories.js';
import type { Database } from './schema.js';

const DIMENSION_COLUMNS: Record<UsageDimension, keyof Database['usage_daily']> = {
  team: 'team_id',
  user: 'user_id',
  serviceAccount: 'service_account_id',
  key: 'key_id',
  provider: 'provider_id',
  model: 'model',
  day: 'day',
};

export class SqliteUsageRepository implements UsageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds to the stored totals: one upsert per row, counters summed, histograms merged. */
  async add(rollups: UsageRollupRecord[]): Promise<void> {
    for (const rollup of rollups) {
      const existing = await this.db
        .selectFrom('usage_daily')
        .select('duration_buckets')
        .where('org_id', '=', rollup.orgId)
        .where('day', '=', rollup.day)
        .where('team_id', '=', rollup.teamId)
        .where('user_id', '=', rollup.userId)
        .where('service_account_id', '=', rollup.serviceAccountId)
        .where('key_id', '=', rollup.keyId)
        .where('provider_id', '=', rollup.providerId)
        .where('model', '=', rollup.model)
        .executeTakeFirst();
      const buckets = existing === undefined ? emptyBuckets() : (JSON.parse(existing.duration_buckets) as number[]);
      addBuckets(buckets, rollup.durationBuckets);
      await this.db
        .insertInto('usage_daily')
        .values({
          org_id: rollup.orgId,
          day: rollup.day,
          team_id: rollup.teamId,
          user_id: rollup.userId,
          service_account_id: rollup.serviceAccountId,
          key_id: rollup.keyId,
          provider_id: rollup.providerId,
          model: rollup.model,
          requests: rollup.requests,
          errors: rollup.errors,
          input_tokens: rollup.inputTokens,
          output_tokens: rollup.outputTokens,
          cache_read_tokens: rollup.cacheReadTokens,
          cache_write_tokens: rollup.cacheWriteTokens,
          reasoning_tokens: rollup.reasoningTokens,
          cost_usd: rollup.costUsd,
          duration_buckets: JSON.stringify(buckets),
        })
        .onConflict((conflict) =>
          conflict.columns(['org_id', 'day', 'team_id', 'user_id', 'service_account_id', 'key_id', 'provider_id', 'model']).doUpdateSet((update) => ({
            requests: sql`${update.ref('usage_daily.requests')} + ${rollup.requests}`,
            errors: sql`${update.ref('usage_daily.errors')} + ${rollup.errors}`,
            input_tokens: sql`${update.ref('usage_daily.input_tokens')} + ${rollup.inputTokens}`,
            output_tokens: sql`${update.ref('usage_daily.output_tokens')} + ${rollup.outputTokens}`,
            cache_read_tokens: sql`${update.ref('usage_daily.cache_read_tokens')} + ${rollup.cacheReadTokens}`,
            cache_write_tokens: sql`${update.ref('usage_daily.cache_write_tokens')} + ${rollup.cacheWriteTokens}`,
            reasoning_tokens: sql`${update.ref('usage_daily.reasoning_tokens')} + ${rollup.reasoningTokens}`,
            cost_usd: sql`${update.ref('usage_daily.cost_usd')} + ${rollup.costUsd}`,
            duration_buckets: JSON.stringify(buckets),
          })),
        )
        .execute();
    }
  }

  async query(query: UsageQuery): Promise<UsageRow[]> {
    let select = this.db.selectFrom('usage_daily').selectAll().where('org_id', '=', query.orgId);
    if (query.sinceDay !== undefined) select = select.where('day', '>=', query.sinceDay);
    if (query.untilDay !== undefined) select = select.where('day', '<=', query.untilDay);
    if (query.teamIds !== undefined) select = select.where('team_id', 'in', query.teamIds.length === 0 ? ['\u0000'] : query.teamIds);
    if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
    if (query.keyIds !== undefined) select = select.where('key_id', 'in', query.keyIds.length === 0 ? ['\u0000'] : query.keyIds);
    if (query.providerId !== undefined) select = select.where('provider_id', '=', query.providerId);
    if (query.model !== undefined) select = select.where('model', '=', query.model);
    // Grouping in JS keeps the duration histograms mergeable; rows are per day and dimension set,
    // so even a busy year is a few hundred thousand at most.
    const groups = new Map<string, UsageRow>();
    for (const row of await select.execute()) {
      const values = query.groupBy.map((dimension) => String(row[DIMENSION_COLUMNS[dimension]]));
      const groupKey = values.join('\u0000');
      let group = groups.get(groupKey);
      if (group === undefined) {
        group = {
          orgId: row.org_id,
          day: query.groupBy.includes('day') ? row.day : '',
          teamId: query.groupBy.includes('team') ? row.team_id : '',
          userId: query.groupBy.includes('user') ? row.user_id : '',
          serviceAccountId: query.groupBy.includes('serviceAccount') ? row.service_account_id : '',
          keyId: query.groupBy.includes('key') ? row.key_id : '',
          providerId: query.groupBy.includes('provider') ? row.provider_id : '',
          model: query.groupBy.includes('model') ? row.model : '',
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
        groups.set(groupKey, group);
      }
      group.requests += row.requests;
      group.errors += row.errors;
      group.inputTokens += row.input_tokens;
      group.outputTokens += row.output_tokens;
      group.cacheReadTokens += row.cache_read_tokens;
      group.cacheWriteTokens += row.cache_write_tokens;
      group.reasoningTokens += row.reasoning_tokens;
      group.costUsd += row.cost_usd;
      addBuckets(group.durationBuckets, JSON.parse(row.duration_buckets) as number[]);
    }
    return [...groups.values()];
  }

  async deleteOlderThan(cutoffDay: string): Promise<number> {
    const result = await this.db.deleteFrom('usage_daily').where('day', '<', cutoffDay).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
