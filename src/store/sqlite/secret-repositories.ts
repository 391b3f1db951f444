import type { Kysely, Selectable } from 'kysely';
import type { OwnerScope } from '../agent-records.js';
import type { McpConnectionRecord, SecretRecord } from '../secret-records.js';
import type { McpConnectionRepository, SecretRepository } from '../secret-repositories.js';
import { scopeKey } from './agent-repositories.js';
import type { Database } from './schema.js';

export class SqliteSecretRepository implements SecretRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: SecretRecord): Promise<void> {
    await this.db.insertInto('secrets').values(toSecretRow(record)).execute();
  }

  async update(record: SecretRecord): Promise<void> {
    const { id, ...row } = toSecretRow(record);
    await this.db.updateTable('secrets').set(row).where('id', '=', id).execute();
  }

  async findByName(orgId: string, scope: OwnerScope, name: string): Promise<SecretRecord | undefined> {
    const row = await this.db.selectFrom('secrets').selectAll().where('org_id', '=', orgId).where('scope', '=', scopeKey(scope)).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toSecret(row);
  }

  async list(orgId: string): Promise<SecretRecord[]> {
    const rows = await this.db.selectFrom('secrets').selectAll().where('org_id', '=', orgId).orderBy('name').orderBy('scope').execute();
    return rows.map(toSecret);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('secrets').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async touch(uses: ReadonlyArray<{ id: string; at: number }>): Promise<void> {
    for (const use of uses) await this.db.updateTable('secrets').set({ last_used_at: use.at }).where('id', '=', use.id).execute();
  }
}

function toSecretRow(record: SecretRecord): Database['secrets'] {
  return {
    id: record.id,
    org_id: record.orgId,
    scope: scopeKey(record.scope),
    name: record.name,
    sealed_value: record.sealedValue,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    last_used_at: record.lastUsedAt,
  };
}

function toSecret(row: Selectable<Database['secrets']>): SecretRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    scope: parseScope(row.scope),
    name: row.name,
    sealedValue: row.sealed_value,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/** The inverse of `scopeKey`. */
function parseScope(key: string): OwnerScope {
  if (key.startsWith('team:')) return { kind: 'team', teamId: key.slice(5) };
  if (key.startsWith('user:')) return { kind: 'user', userId: key.slice(5) };
  return { kind: 'org' };
}

export class SqliteMcpConnectionRepository implements McpConnectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: McpConnectionRecord): Promise<void> {
    await this.db.insertInto('mcp_connections').values(toConnectionRow(record)).execute();
  }

  async update(record: McpConnectionRecord): Promise<void> {
    const { id, ...row } = toConnectionRow(record);
    await this.db.updateTable('mcp_connections').set(row).where('id', '=', id).execute();
  }

  async findByName(orgId: string, name: string): Promise<McpConnectionRecord | undefined> {
    const row = await this.db.selectFrom('mcp_connections').select('definition').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.definition) as McpConnectionRecord);
  }

  async findById(id: string): Promise<McpConnectionRecord | undefined> {
    const row = await this.db.selectFrom('mcp_connections').select('definition').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.definition) as McpConnectionRecord);
  }

  async list(orgId: string): Promise<McpConnectionRecord[]> {
    const rows = await this.db.selectFrom('mcp_connections').select('definition').where('org_id', '=', orgId).orderBy('name').execute();
    return rows.map((row) => JSON.parse(row.definition) as McpConnectionRecord);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('mcp_connections').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toConnectionRow(record: McpConnectionRecord): Database['mcp_connections'] {
  return { id: record.id, org_id: record.orgId, team_id: record.teamId, name: record.name, definition: JSON.stringify(record), created_at: record.createdAt, updated_at: record.updatedAt };
}
