import type { Kysely, Selectable } from 'kysely';
import type { StoredResponseRecord } from '../records.js';
import type { StoredResponseRepository } from '../store.js';
import type { Database } from './schema.js';

export class SqliteStoredResponseRepository implements StoredResponseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: StoredResponseRecord): Promise<void> {
    await this.db
      .insertInto('stored_responses')
      .values({
        id: record.id,
        org_id: record.orgId,
        key_id: record.keyId,
        model: record.model,
        created_at: record.createdAt,
        input: JSON.stringify(record.input),
        response: JSON.stringify(record.response),
      })
      // An upstream that reuses an id replaces the earlier answer rather than failing the request.
      .onConflict((conflict) => conflict.column('id').doUpdateSet((update) => ({
        org_id: update.ref('excluded.org_id'),
        key_id: update.ref('excluded.key_id'),
        model: update.ref('excluded.model'),
        created_at: update.ref('excluded.created_at'),
        input: update.ref('excluded.input'),
        response: update.ref('excluded.response'),
      })))
      .execute();
  }

  async findById(keyId: string, id: string): Promise<StoredResponseRecord | undefined> {
    const row = await this.db.selectFrom('stored_responses').selectAll().where('id', '=', id).where('key_id', '=', keyId).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  async delete(keyId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('stored_responses').where('id', '=', id).where('key_id', '=', keyId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async prune(keyId: string, keep: number, createdBefore: number): Promise<number> {
    const newest = this.db
      .selectFrom('stored_responses')
      .select('id')
      .where('key_id', '=', keyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(keep);
    const result = await this.db
      .deleteFrom('stored_responses')
      .where('key_id', '=', keyId)
      .where((where) => where.or([where('created_at', '<', createdBefore), where('id', 'not in', newest)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRecord(row: Selectable<Database['stored_responses']>): StoredResponseRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    keyId: row.key_id,
    model: row.model,
    createdAt: Number(row.created_at),
    input: JSON.parse(row.input) as unknown[],
    response: JSON.parse(row.response) as Record<string, unknown>,
  };
}
