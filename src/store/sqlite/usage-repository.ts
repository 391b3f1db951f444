import type { Kysely } from 'kysely';
import type Libsql from 'libsql';
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

const DIMENSIONS = ['org_id', 'day', 'team_id', 'user_id', 'service_account_id', 'key_id', 'provider_id', 'model'] as const;
const COUNTERS = ['requests', 'errors', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd'] as const;

export class SqliteUsageRepository implements UsageRepository {
  private readonly readBuckets: Libsql.Statement;
  private readonly upsert: Libsql.Statement;

  /**
   * Reads go through Kysely; adding runs with every batch of request records, so it uses two
   * statements prepared once on the raw connection (Kysely would build and prepare both anew
   * for every roll-up).
   */
  constructor(
    private readonly db: Kysely<Database>,
    database: Libsql.Database,
  ) {
    this.readBuckets = database.prepare(`SELECT duration_buckets FROM usage_daily WHERE ${DIMENSIONS.map((column) => `${column} = ?`).join(' AND ')}`);
    const columns = [...DIMENSIONS, ...COUNTERS, 'duration_buckets'];
    this.upsert = database.prepare(
      `INSERT INTO usage_daily (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (${DIMENSIONS.join(', ')}) DO UPDATE SET ` +
        [...COUNTERS.map((column) => `${column} = ${column} + excluded.${column}`), 'duration_buckets = excluded.duration_buckets'].join(', '),
    );
  }

  /** Adds to the stored totals: one upsert per row, counters summed, histograms merged. */
  async add(rollups: UsageRollupRecord[]): Promise<void> {
    for (const rollup of rollups) {
      const dimensions = [rollup.orgId, rollup.day, rollup.teamId, rollup.userId, rollup.serviceAccountId, rollup.keyId, rollup.providerId, rollup.model];
      const stored = this.readBuckets.get(dimensions) as { duration_buckets: string } | undefined;
      const buckets = stored === undefined ? emptyBuckets() : (JSON.parse(stored.duration_buckets) as number[]);
      addBuckets(buckets, rollup.durationBuckets);
      const counters = [
        rollup.requests,
        rollup.errors,
        rollup.inputTokens,
        rollup.outputTokens,
        rollup.cacheReadTokens,
        rollup.cacheWriteTokens,
        rollup.reasoningTokens,
        rollup.costUsd,
      ];
      this.upsert.run([...dimensions, ...counters, JSON.stringify(buckets)]);
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
