import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type Libsql from 'libsql';
import type { PolicyDecision, ProviderTier, RequestLogRecord, RoutingDecisionEntry } from '../records.js';
import type { RequestLogFilter, RequestLogQuery, RequestLogRepository } from '../store.js';
import type { Database } from './schema.js';

const COLUMNS: ReadonlyArray<keyof Database['request_log']> = [
  'id', 'org_id', 'key_id', 'surface', 'model_requested', 'route', 'provider_id', 'provider_model', 'tier', 'worker_id',
  'stream', 'status', 'error_code', 'error_message', 'finish_reason', 'input_tokens', 'output_tokens', 'cache_read_tokens',
  'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'started_at', 'queue_ms', 'first_byte_ms', 'total_ms',
  'client_aborted', 'decision', 'team_id', 'user_id', 'service_account_id', 'agent_id', 'policy_decisions',
];

/** Rows per multi-row INSERT: fewer statement runs, well under SQLite's 32,766 parameters. */
const ROWS_PER_STATEMENT = 32;

export class SqliteRequestLogRepository implements RequestLogRepository {
  private readonly insertBatch: (records: RequestLogRecord[]) => void;

  /**
   * Reads go through Kysely; the batch insert uses prepared multi-row statements in one transaction
   * on the raw connection, because it runs for every request (Kysely would build and prepare each
   * INSERT anew).
   */
  constructor(
    private readonly db: Kysely<Database>,
    database: Libsql.Database,
  ) {
    const rowPlaceholders = `(${COLUMNS.map(() => '?').join(', ')})`;
    const insert = (rows: number): Libsql.Statement =>
      database.prepare(`INSERT INTO request_log (${COLUMNS.join(', ')}) VALUES ${Array(rows).fill(rowPlaceholders).join(', ')}`);
    const insertOne = insert(1);
    const insertMany = insert(ROWS_PER_STATEMENT);
    // Values go to `run` as one array: spread arguments cost libsql a copy (`flat()`) per call.
    const insertAll = (records: RequestLogRecord[]): void => {
      let start = 0;
      for (; start + ROWS_PER_STATEMENT <= records.length; start += ROWS_PER_STATEMENT) {
        const values: unknown[] = [];
        for (let index = start; index < start + ROWS_PER_STATEMENT; index++) pushRowValues(values, records[index] as RequestLogRecord);
        insertMany.run(values);
      }
      for (; start < records.length; start++) insertOne.run(pushRowValues([], records[start] as RequestLogRecord));
    };
    const inOwnTransaction = database.transaction(insertAll);
    // Inside the store's transaction (the writer adds usage roll-ups in the same one) the statements
    // just run; alone, a batch is one transaction of its own.
    this.insertBatch = (records) => (database.inTransaction ? insertAll(records) : inOwnTransaction(records));
  }

  /** One transaction per batch: the writer calls this off the request path. */
  async insertMany(records: RequestLogRecord[]): Promise<void> {
    if (records.length > 0) this.insertBatch(records);
  }

  async findById(orgId: string, id: string): Promise<RequestLogRecord | undefined> {
    const row = await this.db.selectFrom('request_log').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  async list(query: RequestLogQuery): Promise<RequestLogRecord[]> {
    let select = this.db
      .selectFrom('request_log')
      .selectAll()
      .where('org_id', '=', query.orgId)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit);
    if (query.filter !== undefined) select = filtered(select, query.filter);
    if (query.before !== undefined) {
      // A stable cursor: (time, id), in the order of the listing. Time alone would skip records
      // that share a millisecond with the last one of the previous page.
      const anchor = await this.db
        .selectFrom('request_log')
        .select(['started_at', 'id'])
        .where('org_id', '=', query.orgId)
        .where('id', '=', query.before)
        .executeTakeFirst();
      if (anchor === undefined) return [];
      select = select.where((where) =>
        where.or([where('started_at', '<', anchor.started_at), where.and([where('started_at', '=', anchor.started_at), where('id', '<', anchor.id)])]),
      );
    }
    return (await select.execute()).map(toRecord);
  }

  async spendSince(orgId: string, since: number): Promise<Array<{ teamId: string | null; keyId: string | null; costUsd: number }>> {
    const rows = await this.db
      .selectFrom('request_log')
      .select(['team_id', 'key_id', (eb) => eb.fn.sum<number>('cost_usd').as('cost')])
      .where('org_id', '=', orgId)
      .where('started_at', '>=', since)
      .where('cost_usd', 'is not', null)
      .groupBy(['team_id', 'key_id'])
      .execute();
    return rows.map((row) => ({ teamId: row.team_id, keyId: row.key_id, costUsd: Number(row.cost) }));
  }

  async deleteOlderThan(cutoff: number, limit: number): Promise<number> {
    const ids = (await this.db.selectFrom('request_log').select('id').where('started_at', '<', cutoff).limit(limit).execute()).map((row) => row.id);
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom('request_log').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

type RequestLogSelect = SelectQueryBuilder<Database, 'request_log', Selectable<Database['request_log']>>;

function filtered(select: RequestLogSelect, filter: RequestLogFilter): RequestLogSelect {
  let query = select;
  if (filter.status !== undefined) query = query.where('status', '>=', filter.status.min).where('status', '<=', filter.status.max);
  if (filter.providerId !== undefined) query = query.where('provider_id', '=', filter.providerId);
  if (filter.route !== undefined) query = query.where('route', '=', filter.route);
  if (filter.keyIds !== undefined) query = query.where('key_id', 'in', filter.keyIds.length === 0 ? [''] : filter.keyIds);
  if (filter.workerIds !== undefined) query = query.where('worker_id', 'in', filter.workerIds.length === 0 ? [''] : filter.workerIds);
  if (filter.since !== undefined) query = query.where('started_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('started_at', '<', filter.until);
  if (filter.teamIds !== undefined) query = query.where('team_id', 'in', filter.teamIds.length === 0 ? [''] : filter.teamIds);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.serviceAccountId !== undefined) query = query.where('service_account_id', '=', filter.serviceAccountId);
  if (filter.model !== undefined) query = query.where((where) => where.or([where('model_requested', '=', filter.model ?? ''), where('provider_model', '=', filter.model ?? '')]));
  return query;
}

/** Appends a record's values in `COLUMNS` order; returns `values`. */
function pushRowValues(values: unknown[], record: RequestLogRecord): unknown[] {
  const row = toRow(record);
  for (const column of COLUMNS) values.push(row[column]);
  return values;
}

function toRow(record: RequestLogRecord): Database['request_log'] {
  return {
    id: record.id,
    org_id: record.orgId,
    key_id: record.keyId,
    surface: record.surface,
    model_requested: record.modelRequested,
    route: record.route,
    provider_id: record.providerId,
    provider_model: record.providerModel,
    tier: record.tier,
    worker_id: record.workerId,
    stream: record.stream ? 1 : 0,
    status: record.status,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    finish_reason: record.finishReason,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cache_read_tokens: record.cacheReadTokens,
    cache_write_tokens: record.cacheWriteTokens,
    reasoning_tokens: record.reasoningTokens,
    cost_usd: record.costUsd,
    started_at: record.startedAt,
    queue_ms: record.queueMs,
    first_byte_ms: record.firstByteMs,
    total_ms: record.totalMs,
    client_aborted: record.clientAborted ? 1 : 0,
    decision: JSON.stringify(record.decision),
    team_id: record.teamId,
    user_id: record.userId,
    service_account_id: record.serviceAccountId,
    agent_id: record.agentId,
    policy_decisions: record.policyDecisions.length === 0 ? null : JSON.stringify(record.policyDecisions),
  };
}

function toRecord(row: Selectable<Database['request_log']>): RequestLogRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    keyId: row.key_id,
    surface: row.surface,
    modelRequested: row.model_requested,
    route: row.route,
    providerId: row.provider_id,
    providerModel: row.provider_model,
    tier: row.tier as ProviderTier | null,
    workerId: row.worker_id,
    stream: row.stream === 1,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    finishReason: row.finish_reason,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    startedAt: Number(row.started_at),
    queueMs: row.queue_ms,
    firstByteMs: row.first_byte_ms,
    totalMs: row.total_ms,
    clientAborted: row.client_aborted === 1,
    decision: JSON.parse(row.decision) as RoutingDecisionEntry[],
    teamId: row.team_id,
    userId: row.user_id,
    serviceAccountId: row.service_account_id,
    agentId: row.agent_id,
    policyDecisions: row.policy_decisions === null ? [] : (JSON.parse(row.policy_decisions) as PolicyDecision[]),
  };
}
