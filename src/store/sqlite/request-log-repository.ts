import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type Libsql from 'libsql';
import type { ProviderTier, RequestLogRecord, RoutingDecisionEntry } from '../records.js';
import type { RequestLogFilter, RequestLogQuery, RequestLogRepository } from '../store.js';
import type { Database } from './schema.js';

const COLUMNS: ReadonlyArray<keyof Database['request_log']> = [
  'id', 'org_id', 'key_id', 'surface', 'model_requested', 'route', 'provider_id', 'provider_model', 'tier', 'worker_id',
  'stream', 'status', 'error_code', 'error_message', 'finish_reason', 'input_tokens', 'output_tokens', 'cache_read_tokens',
  'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'started_at', 'queue_ms', 'first_byte_ms', 'total_ms',
  'client_aborted', 'decision',
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
    this.insertBatch = database.transaction((records: RequestLogRecord[]) => {
      let start = 0;
      for (; start + ROWS_PER_STATEMENT <= records.length; start += ROWS_PER_STATEMENT) {
        insertMany.run(...records.slice(start, start + ROWS_PER_STATEMENT).flatMap(rowValues));
      }
      for (; start < records.length; start++) insertOne.run(...rowValues(records[start] as RequestLogRecord));
    });
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
  return query;
}

function rowValues(record: RequestLogRecord): unknown[] {
  const row = toRow(record);
  return COLUMNS.map((column) => row[column]);
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
  };
}
