import type { Kysely, Selectable } from 'kysely';
import type { ActorKind, ConfigChangeRecord } from '../governance-records.js';
import type { ConfigChangeQuery, ConfigChangeRepository, RequestBodyRecord, RequestBodyRepository } from '../governance-repositories.js';
import type { Database } from './schema.js';

export class SqliteConfigChangeRepository implements ConfigChangeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: ConfigChangeRecord): Promise<void> {
    await this.db
      .insertInto('config_changes')
      .values({
        id: record.id,
        org_id: record.orgId,
        at: record.at,
        actor_kind: record.actorKind,
        actor_id: record.actorId,
        actor_name: record.actorName,
        key_id: record.keyId,
        on_behalf_of: record.onBehalfOf,
        action: record.action,
        target_type: record.targetType,
        target_id: record.targetId,
        target_name: record.targetName,
        team_id: record.teamId,
        before: JSON.stringify(record.before ?? null),
        after: JSON.stringify(record.after ?? null),
      })
      .execute();
  }

  async list(query: ConfigChangeQuery): Promise<ConfigChangeRecord[]> {
    let select = this.db.selectFrom('config_changes').selectAll().where('org_id', '=', query.orgId).orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit);
    if (query.since !== undefined) select = select.where('at', '>=', query.since);
    if (query.until !== undefined) select = select.where('at', '<', query.until);
    if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
    if (query.targetType !== undefined) select = select.where('target_type', '=', query.targetType);
    if (query.targetId !== undefined) select = select.where('target_id', '=', query.targetId);
    if (query.teamIds !== undefined) select = select.where('team_id', 'in', query.teamIds.length === 0 ? [''] : query.teamIds);
    if (query.before !== undefined) {
      const anchor = await this.db.selectFrom('config_changes').select(['at', 'id']).where('org_id', '=', query.orgId).where('id', '=', query.before).executeTakeFirst();
      if (anchor === undefined) return [];
      select = select.where((where) => where.or([where('at', '<', anchor.at), where.and([where('at', '=', anchor.at), where('id', '<', anchor.id)])]));
    }
    return (await select.execute()).map(toChange);
  }

  async deleteOlderThan(cutoff: number, limit: number): Promise<number> {
    const ids = (await this.db.selectFrom('config_changes').select('id').where('at', '<', cutoff).limit(limit).execute()).map((row) => row.id);
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom('config_changes').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toChange(row: Selectable<Database['config_changes']>): ConfigChangeRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    at: Number(row.at),
    actorKind: row.actor_kind as ActorKind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    keyId: row.key_id,
    onBehalfOf: row.on_behalf_of,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    targetName: row.target_name,
    teamId: row.team_id,
    before: JSON.parse(row.before) as unknown,
    after: JSON.parse(row.after) as unknown,
  };
}

export class SqliteRequestBodyRepository implements RequestBodyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(records: RequestBodyRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db
      .insertInto('request_bodies')
      .values(records.map((record) => ({ request_id: record.requestId, org_id: record.orgId, started_at: record.startedAt, request: record.request, response: record.response })))
      .onConflict((conflict) => conflict.column('request_id').doNothing())
      .execute();
  }

  async find(orgId: string, requestId: string): Promise<RequestBodyRecord | undefined> {
    const row = await this.db.selectFrom('request_bodies').selectAll().where('org_id', '=', orgId).where('request_id', '=', requestId).executeTakeFirst();
    return row === undefined ? undefined : { requestId: row.request_id, orgId: row.org_id, startedAt: Number(row.started_at), request: row.request, response: row.response };
  }

  async deleteOlderThan(cutoff: number, limit: number): Promise<number> {
    const ids = (await this.db.selectFrom('request_bodies').select('request_id').where('started_at', '<', cutoff).limit(limit).execute()).map((row) => row.request_id);
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom('request_bodies').where('request_id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
