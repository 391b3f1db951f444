import type { Kysely, Migration } from 'kysely';

/**
 * Governance: teams, people, service accounts and their keys' bindings; the audit trail of
 * configuration changes; daily usage roll-ups; request records gain who acted and why they were
 * admitted; optional stored bodies. Portable types only (the PostgreSQL store runs the same list).
 */
export const governanceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organizations').addColumn('settings', 'text', (column) => column.notNull().defaultTo('{}')).execute();

    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('limits', 'text', (column) => column.notNull())
      .addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addUniqueConstraint('teams_org_name', ['org_id', 'name'])
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('disabled_at', 'bigint')
      .addUniqueConstraint('users_org_email', ['org_id', 'email'])
      .execute();

    await db.schema
      .createTable('team_members')
      .addColumn('team_id', 'text', (column) => column.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
      .execute();
    await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();

    await db.schema
      .createTable('service_accounts')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('team_id', 'text', (column) => column.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('disabled_at', 'bigint')
      .addUniqueConstraint('service_accounts_team_name', ['team_id', 'name'])
      .execute();

    await db.schema.alterTable('api_keys').addColumn('user_id', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('service_account_id', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('team_id', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('policy', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('last_used_at', 'bigint').execute();
    await db.schema.createIndex('api_keys_org').on('api_keys').columns(['org_id', 'created_at']).execute();

    for (const column of ['team_id', 'user_id', 'service_account_id', 'agent_id', 'policy_decisions']) {
      await db.schema.alterTable('request_log').addColumn(column, 'text').execute();
    }
    // The listing and its filters: newest first within an organization, then by who and where.
    await db.schema.createIndex('request_log_org_started').on('request_log').columns(['org_id', 'started_at', 'id']).execute();
    await db.schema.createIndex('request_log_team_started').on('request_log').columns(['team_id', 'started_at']).execute();
    await db.schema.createIndex('request_log_user_started').on('request_log').columns(['user_id', 'started_at']).execute();
    await db.schema.createIndex('request_log_provider_started').on('request_log').columns(['provider_id', 'started_at']).execute();
    await db.schema.createIndex('request_log_model_started').on('request_log').columns(['model_requested', 'started_at']).execute();
    await db.schema.createIndex('request_log_status_started').on('request_log').columns(['status', 'started_at']).execute();
    await db.schema.createIndex('request_log_route_started').on('request_log').columns(['route', 'started_at']).execute();

    await db.schema
      .createTable('config_changes')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('actor_kind', 'text', (column) => column.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text')
      .addColumn('on_behalf_of', 'text')
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('target_type', 'text', (column) => column.notNull())
      .addColumn('target_id', 'text', (column) => column.notNull())
      .addColumn('target_name', 'text', (column) => column.notNull())
      .addColumn('team_id', 'text')
      .addColumn('before', 'text', (column) => column.notNull())
      .addColumn('after', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('config_changes_org_at').on('config_changes').columns(['org_id', 'at', 'id']).execute();
    await db.schema.createIndex('config_changes_target').on('config_changes').columns(['target_type', 'target_id']).execute();
    await db.schema.createIndex('config_changes_team').on('config_changes').columns(['team_id', 'at']).execute();

    await db.schema
      .createTable('usage_daily')
      .addColumn('org_id', 'text', (column) => column.notNull())
      .addColumn('day', 'text', (column) => column.notNull())
      .addColumn('team_id', 'text', (column) => column.notNull())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('service_account_id', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('provider_id', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('requests', 'integer', (column) => column.notNull())
      .addColumn('errors', 'integer', (column) => column.notNull())
      .addColumn('input_tokens', 'integer', (column) => column.notNull())
      .addColumn('output_tokens', 'integer', (column) => column.notNull())
      .addColumn('cache_read_tokens', 'integer', (column) => column.notNull())
      .addColumn('cache_write_tokens', 'integer', (column) => column.notNull())
      .addColumn('reasoning_tokens', 'integer', (column) => column.notNull())
      .addColumn('cost_usd', 'real', (column) => column.notNull())
      .addColumn('duration_buckets', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('usage_daily_pk', ['org_id', 'day', 'team_id', 'user_id', 'service_account_id', 'key_id', 'provider_id', 'model'])
      .execute();

    await db.schema
      .createTable('request_bodies')
      .addColumn('request_id', 'text', (column) => column.primaryKey())
      .addColumn('org_id', 'text', (column) => column.notNull())
      .addColumn('started_at', 'bigint', (column) => column.notNull())
      .addColumn('request', 'text', (column) => column.notNull())
      .addColumn('response', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('request_bodies_started').on('request_bodies').column('started_at').execute();
  },
};
