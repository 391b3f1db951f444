import type { Kysely, Migration } from 'kysely';

/** Admin Agent conversations: one row each, the state as one JSON column (read and written whole). */
export const adminConversationsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('admin_conversations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('owner_id', 'text', (column) => column.notNull())
      .addColumn('title', 'text', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('admin_conversations_owner').on('admin_conversations').columns(['org_id', 'owner_id', 'updated_at']).execute();
  },
};
