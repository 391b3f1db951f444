import type { Kysely, Selectable } from 'kysely';
import type { AdminConversationRecord, AdminConversationRepository } from '../admin-conversation-records.js';
import type { Database } from './schema.js';

export class SqliteAdminConversationRepository implements AdminConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: AdminConversationRecord): Promise<void> {
    await this.db.insertInto('admin_conversations').values(toRow(record)).execute();
  }

  async update(record: AdminConversationRecord): Promise<void> {
    const { id, ...row } = toRow(record);
    await this.db.updateTable('admin_conversations').set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<AdminConversationRecord | undefined> {
    const row = await this.db.selectFrom('admin_conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : { ...summaryOf(row), state: JSON.parse(row.state) as unknown };
  }

  async listByOwner(orgId: string, ownerId: string, limit: number): Promise<Array<Omit<AdminConversationRecord, 'state'>>> {
    const rows = await this.db
      .selectFrom('admin_conversations')
      .select(['id', 'org_id', 'owner_id', 'title', 'created_at', 'updated_at'])
      .where('org_id', '=', orgId)
      .where('owner_id', '=', ownerId)
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(summaryOf);
  }
}

function toRow(record: AdminConversationRecord): Database['admin_conversations'] {
  return {
    id: record.id,
    org_id: record.orgId,
    owner_id: record.ownerId,
    title: record.title,
    state: JSON.stringify(record.state),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function summaryOf(row: Omit<Selectable<Database['admin_conversations']>, 'state'>): Omit<AdminConversationRecord, 'state'> {
  return { id: row.id, orgId: row.org_id, ownerId: row.owner_id, title: row.title, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) };
}
