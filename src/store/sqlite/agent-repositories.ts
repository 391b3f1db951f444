import type { Kysely } from 'kysely';
import type { AgentRecord, AgentRunRecord, ContextFileRecord, OwnerScope, SkillRecord } from '../agent-records.js';
import type { AgentRepository, AgentRunRepository, AgentStore, ScopedDocumentRepository } from '../agent-repositories.js';
import type { Database } from './schema.js';

export function sqliteAgentStore(db: Kysely<Database>): AgentStore {
  return {
    agents: new SqliteAgentRepository(db),
    skills: new SqliteScopedDocuments<SkillRecord>(db, 'skills'),
    contextFiles: new SqliteScopedDocuments<ContextFileRecord>(db, 'context_files'),
    runs: new SqliteAgentRunRepository(db),
  };
}

class SqliteAgentRepository implements AgentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: AgentRecord): Promise<void> {
    await this.db.insertInto('agents').values(toAgentRow(record)).execute();
  }

  async update(record: AgentRecord): Promise<void> {
    const { id, ...row } = toAgentRow(record);
    await this.db.updateTable('agents').set(row).where('id', '=', id).execute();
  }

  async findByName(orgId: string, name: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').select('definition').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.definition) as AgentRecord);
  }

  async findById(id: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').select('definition').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.definition) as AgentRecord);
  }

  async list(orgId: string): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom('agents').select('definition').where('org_id', '=', orgId).orderBy('name').execute();
    return rows.map((row) => JSON.parse(row.definition) as AgentRecord);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toAgentRow(record: AgentRecord): Database['agents'] {
  return { id: record.id, org_id: record.orgId, team_id: record.teamId, name: record.name, definition: JSON.stringify(record), created_at: record.createdAt, updated_at: record.updatedAt };
}

export function scopeKey(scope: OwnerScope): string {
  switch (scope.kind) {
    case 'org':
      return 'org';
    case 'team':
      return `team:${scope.teamId}`;
    case 'user':
      return `user:${scope.userId}`;
  }
}

class SqliteScopedDocuments<T extends SkillRecord | ContextFileRecord> implements ScopedDocumentRepository<T> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly table: 'skills' | 'context_files',
  ) {}

  async insert(record: T): Promise<void> {
    await this.db.insertInto(this.table).values(this.row(record)).execute();
  }

  async update(record: T): Promise<void> {
    const { id, ...row } = this.row(record);
    await this.db.updateTable(this.table).set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<T | undefined> {
    const row = await this.db.selectFrom(this.table).select('document').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.document) as T);
  }

  async findByName(orgId: string, scope: OwnerScope, name: string): Promise<T | undefined> {
    const row = await this.db.selectFrom(this.table).select('document').where('org_id', '=', orgId).where('scope', '=', scopeKey(scope)).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.document) as T);
  }

  async findByIds(ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom(this.table).select(['id', 'document']).where('id', 'in', [...ids]).execute();
    const byId = new Map(rows.map((row) => [row.id, JSON.parse(row.document) as T]));
    // In the order asked for: attachment order is prompt order.
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async list(orgId: string): Promise<T[]> {
    const rows = await this.db.selectFrom(this.table).select('document').where('org_id', '=', orgId).orderBy('name').execute();
    return rows.map((row) => JSON.parse(row.document) as T);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom(this.table).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private row(record: T): Database['skills'] {
    return { id: record.id, org_id: record.orgId, scope: scopeKey(record.scope), name: record.name, document: JSON.stringify(record), created_at: record.createdAt, updated_at: record.updatedAt };
  }
}

class SqliteAgentRunRepository implements AgentRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: AgentRunRecord): Promise<void> {
    await this.db.insertInto('agent_runs').values(toRunRow(record)).execute();
  }

  async update(record: AgentRunRecord): Promise<void> {
    const { id, ...row } = toRunRow(record);
    await this.db.updateTable('agent_runs').set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<AgentRunRecord | undefined> {
    const row = await this.db.selectFrom('agent_runs').select('run').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.run) as AgentRunRecord);
  }

  async list(query: { orgId: string; agentId?: string; keyIds?: string[]; teamIds?: string[]; userId?: string; limit: number }): Promise<AgentRunRecord[]> {
    let select = this.db.selectFrom('agent_runs').select('run').where('org_id', '=', query.orgId);
    if (query.agentId !== undefined) select = select.where('agent_id', '=', query.agentId);
    const { keyIds, teamIds, userId } = query;
    if (keyIds !== undefined || teamIds !== undefined || userId !== undefined) {
      select = select.where((eb) =>
        eb.or([
          ...(keyIds === undefined || keyIds.length === 0 ? [] : [eb('key_id', 'in', keyIds)]),
          ...(teamIds === undefined || teamIds.length === 0 ? [] : [eb('team_id', 'in', teamIds)]),
          ...(userId === undefined ? [] : [eb('user_id', '=', userId)]),
        ]),
      );
    }
    const rows = await select.orderBy('started_at', 'desc').limit(query.limit).execute();
    return rows.map((row) => JSON.parse(row.run) as AgentRunRecord);
  }
}

function toRunRow(record: AgentRunRecord): Database['agent_runs'] {
  return { id: record.id, org_id: record.orgId, agent_id: record.agentId, key_id: record.keyId, user_id: record.userId, team_id: record.teamId, started_at: record.startedAt, run: JSON.stringify(record) };
}
