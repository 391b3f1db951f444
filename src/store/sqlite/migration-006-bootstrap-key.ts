import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Marks the owner key made at start-up (generated on first start, or AUXOT_ADMIN_KEY), so that
 * validation can tell an admin it is still in use before going live. Keys made before this
 * migration are recognized by how start-up made them: its names, held by the owner it created.
 */
export const bootstrapKeyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_keys').addColumn('bootstrap', 'integer', (column) => column.notNull().defaultTo(0)).execute();
    await sql`UPDATE api_keys SET bootstrap = 1
      WHERE name IN ('owner', 'owner (AUXOT_ADMIN_KEY)') AND role = 'owner'
        AND user_id IN (SELECT id FROM users WHERE email = 'owner@localhost')`.execute(db);
  },
};
