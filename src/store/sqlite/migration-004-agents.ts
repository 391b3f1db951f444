import type { Kysely, Migration } from 'kysely';

/**
 * Agents, skills, context files and agent runs. Lists that are only ever read with their owner
 * (an agent's attachments, a skill's files, a run's steps) are JSON text columns: nothing queries
 * inside them. Portable types only (the PostgreSQL store runs the same list).
 */
export const agentsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('team_id', 'text', (column) => column.references('teams.id').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('definition', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addUniqueConstraint('agents_org_name', ['org_id', 'name'])
      .execute();

    for (const table of ['skills', 'context_files']) {
      await db.schema
        .createTable(table)
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
        // `org`, `team:<id>` or `user:<id>`: one column so that uniqueness is one constraint.
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('document', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addUniqueConstraint(`${table}_scope_name`, ['org_id', 'scope', 'name'])
        .execute();
    }

    await db.schema
      .createTable('agent_runs')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull())
      .addColumn('agent_id', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('user_id', 'text')
      .addColumn('team_id', 'text')
      .addColumn('started_at', 'bigint', (column) => column.notNull())
      .addColumn('run', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('agent_runs_org_started').on('agent_runs').columns(['org_id', 'started_at']).execute();
  },
};
