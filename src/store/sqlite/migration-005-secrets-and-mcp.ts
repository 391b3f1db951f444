import type { Kysely, Migration } from 'kysely';

/**
 * The secrets store and MCP connections. A secret's scope is one column (`org`, `team:<id>`,
 * `user:<id>`) so that "one name per scope" is a single constraint, as for skills. A connection's
 * transport and tool approvals are only read with it, so they are one JSON column. Portable types
 * only (the PostgreSQL store runs the same list).
 */
export const secretsAndMcpMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('secrets')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('scope', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('sealed_value', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('last_used_at', 'bigint')
      .addUniqueConstraint('secrets_scope_name', ['org_id', 'scope', 'name'])
      .execute();

    await db.schema
      .createTable('mcp_connections')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('team_id', 'text', (column) => column.references('teams.id').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('definition', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addUniqueConstraint('mcp_connections_org_name', ['org_id', 'name'])
      .execute();
  },
};
