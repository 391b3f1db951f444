import type { Kysely, Selectable } from 'kysely';
import type {
  ProviderKind,
  ProviderRecord,
  ProviderSettings,
  ProviderTier,
  RouteCandidate,
  RouteRecord,
  WorkerKeyRecord,
} from '../records.js';
import type { ProviderRepository, RouteRepository, WorkerKeyRepository } from '../store.js';
import type { Database } from './schema.js';

export class SqliteProviderRepository implements ProviderRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: ProviderRecord): Promise<void> {
    await this.db.insertInto('providers').values(toProviderRow(record)).execute();
  }

  async update(record: ProviderRecord): Promise<void> {
    const { id, ...row } = toProviderRow(record);
    await this.db.updateTable('providers').set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<ProviderRecord | undefined> {
    const row = await this.db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toProvider(row);
  }

  async findByName(orgId: string, name: string): Promise<ProviderRecord | undefined> {
    const row = await this.db
      .selectFrom('providers')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : toProvider(row);
  }

  async list(orgId: string): Promise<ProviderRecord[]> {
    const rows = await this.db.selectFrom('providers').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
    return rows.map(toProvider);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('providers').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toProviderRow(record: ProviderRecord): Database['providers'] {
  return {
    id: record.id,
    org_id: record.orgId,
    name: record.name,
    kind: record.kind,
    tier: record.tier,
    base_url: record.baseUrl,
    models: JSON.stringify(record.models),
    sealed_api_key: record.sealedApiKey,
    settings: JSON.stringify(record.settings),
    enabled: record.enabled ? 1 : 0,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function toProvider(row: Selectable<Database['providers']>): ProviderRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    kind: row.kind as ProviderKind,
    tier: row.tier as ProviderTier,
    baseUrl: row.base_url,
    models: JSON.parse(row.models) as string[],
    sealedApiKey: row.sealed_api_key,
    settings: JSON.parse(row.settings) as ProviderSettings,
    enabled: row.enabled === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export class SqliteRouteRepository implements RouteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(record: RouteRecord): Promise<void> {
    const row = {
      id: record.id,
      org_id: record.orgId,
      name: record.name,
      candidates: JSON.stringify(record.candidates),
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    };
    await this.db
      .insertInto('routes')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['org_id', 'name']).doUpdateSet({ candidates: row.candidates, updated_at: row.updated_at }),
      )
      .execute();
  }

  async findByName(orgId: string, name: string): Promise<RouteRecord | undefined> {
    const row = await this.db
      .selectFrom('routes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : toRoute(row);
  }

  async list(orgId: string): Promise<RouteRecord[]> {
    const rows = await this.db.selectFrom('routes').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
    return rows.map(toRoute);
  }

  async delete(orgId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('routes').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toRoute(row: Selectable<Database['routes']>): RouteRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    candidates: JSON.parse(row.candidates) as RouteCandidate[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export class SqliteWorkerKeyRepository implements WorkerKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: WorkerKeyRecord): Promise<void> {
    await this.db
      .insertInto('worker_keys')
      .values({
        id: record.id,
        provider_id: record.providerId,
        name: record.name,
        display_prefix: record.displayPrefix,
        hash: record.hash,
        created_at: record.createdAt,
        revoked_at: record.revokedAt,
      })
      .execute();
  }

  async findByHash(hash: string): Promise<WorkerKeyRecord | undefined> {
    const row = await this.db.selectFrom('worker_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : toWorkerKey(row);
  }

  async list(providerId?: string): Promise<WorkerKeyRecord[]> {
    let query = this.db.selectFrom('worker_keys').selectAll().orderBy('created_at');
    if (providerId !== undefined) query = query.where('provider_id', '=', providerId);
    return (await query.execute()).map(toWorkerKey);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('worker_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

function toWorkerKey(row: Selectable<Database['worker_keys']>): WorkerKeyRecord {
  return {
    id: row.id,
    providerId: row.provider_id,
    name: row.name,
    displayPrefix: row.display_prefix,
    hash: row.hash,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
