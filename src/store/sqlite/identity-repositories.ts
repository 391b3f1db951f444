import type { Kysely, Selectable } from 'kysely';
import type { Policy } from '../../governance/policy.js';
import type { ApiKeyRecord, OrganizationRecord, OrganizationSettings, Role } from '../records.js';
import type { ApiKeyRepository, OrganizationRepository } from '../store.js';
import type { ServiceClass } from '../../governance/principal.js';
import type { Database } from './schema.js';

export class SqliteOrganizationRepository implements OrganizationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async first(): Promise<OrganizationRecord | undefined> {
    const row = await this.db.selectFrom('organizations').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
    return row === undefined ? undefined : { id: row.id, name: row.name, createdAt: Number(row.created_at), settings: JSON.parse(row.settings) as OrganizationSettings };
  }

  async insert(record: OrganizationRecord): Promise<void> {
    await this.db
      .insertInto('organizations')
      .values({ id: record.id, name: record.name, created_at: record.createdAt, settings: JSON.stringify(record.settings) })
      .execute();
  }

  async update(record: OrganizationRecord): Promise<void> {
    await this.db.updateTable('organizations').set({ name: record.name, settings: JSON.stringify(record.settings) }).where('id', '=', record.id).execute();
  }
}

export class SqliteApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values(toApiKeyRow(record)).execute();
  }

  async update(record: ApiKeyRecord): Promise<void> {
    const { id, ...row } = toApiKeyRow(record);
    await this.db.updateTable('api_keys').set(row).where('id', '=', id).execute();
  }

  async touch(uses: ReadonlyArray<{ id: string; at: number }>): Promise<void> {
    for (const use of uses) await this.db.updateTable('api_keys').set({ last_used_at: use.at }).where('id', '=', use.id).execute();
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row);
  }

  async list(orgId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
    return rows.map(toApiKey);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

function toApiKeyRow(record: ApiKeyRecord): Database['api_keys'] {
  return {
    id: record.id,
    org_id: record.orgId,
    name: record.name,
    display_prefix: record.displayPrefix,
    hash: record.hash,
    role: record.role,
    service_class: record.serviceClass,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    revoked_at: record.revokedAt,
    user_id: record.userId,
    service_account_id: record.serviceAccountId,
    team_id: record.teamId,
    policy: record.policy === null ? null : JSON.stringify(record.policy),
    last_used_at: record.lastUsedAt,
    bootstrap: record.bootstrap ? 1 : 0,
  };
}

function toApiKey(row: Selectable<Database['api_keys']>): ApiKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    displayPrefix: row.display_prefix,
    hash: row.hash,
    role: row.role as Role,
    serviceClass: row.service_class as ServiceClass,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    userId: row.user_id,
    serviceAccountId: row.service_account_id,
    teamId: row.team_id,
    policy: row.policy === null ? null : (JSON.parse(row.policy) as Policy),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    bootstrap: Number(row.bootstrap) === 1,
  };
}
