import type { Kysely, Migration } from 'kysely';
import { governanceMigration } from './migration-003-governance.js';
import { agentsMigration } from './migration-004-agents.js';
import { secretsAndMcpMigration } from './migration-005-secrets-and-mcp.js';
import { bootstrapKeyMigration } from './migration-006-bootstrap-key.js';
import { adminConversationsMigration } from './migration-007-admin-conversations.js';
import { requestLogIndexesMigration } from './migration-008-request-log-indexes.js';

/**
 * Schema history. Written with Kysely's schema builder and portable types so that the PostgreSQL
 * store can run the same list.
 */
export const migrations: Record<string, Migration> = {
  '001-initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('display_prefix', 'text', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull().unique())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('service_class', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('providers')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('tier', 'text', (column) => column.notNull())
        .addColumn('base_url', 'text')
        .addColumn('models', 'text', (column) => column.notNull())
        .addColumn('sealed_api_key', 'text')
        .addColumn('settings', 'text', (column) => column.notNull())
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addUniqueConstraint('providers_org_name', ['org_id', 'name'])
        .execute();

      await db.schema
        .createTable('routes')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('org_id', 'text', (column) => column.notNull().references('organizations.id'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('candidates', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addUniqueConstraint('routes_org_name', ['org_id', 'name'])
        .execute();

      await db.schema
        .createTable('worker_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('provider_id', 'text', (column) => column.notNull().references('providers.id').onDelete('cascade'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('display_prefix', 'text', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('request_log')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('org_id', 'text')
        .addColumn('key_id', 'text')
        .addColumn('surface', 'text', (column) => column.notNull())
        .addColumn('model_requested', 'text')
        .addColumn('route', 'text')
        .addColumn('provider_id', 'text')
        .addColumn('provider_model', 'text')
        .addColumn('tier', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('stream', 'integer', (column) => column.notNull())
        .addColumn('status', 'integer', (column) => column.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('finish_reason', 'text')
        .addColumn('input_tokens', 'integer', (column) => column.notNull())
        .addColumn('output_tokens', 'integer', (column) => column.notNull())
        .addColumn('cache_read_tokens', 'integer', (column) => column.notNull())
        .addColumn('cache_write_tokens', 'integer', (column) => column.notNull())
        .addColumn('reasoning_tokens', 'integer', (column) => column.notNull())
        .addColumn('cost_usd', 'real')
        .addColumn('started_at', 'bigint', (column) => column.notNull())
        .addColumn('queue_ms', 'real')
        .addColumn('first_byte_ms', 'real')
        .addColumn('total_ms', 'real', (column) => column.notNull())
        .addColumn('client_aborted', 'integer', (column) => column.notNull())
        .addColumn('decision', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('request_log_started_at').on('request_log').column('started_at').execute();
      await db.schema.createIndex('request_log_key_started').on('request_log').columns(['key_id', 'started_at']).execute();
    },
  },
  '002-stored-responses': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('stored_responses')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('key_id', 'text', (column) => column.notNull())
        .addColumn('model', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('input', 'text', (column) => column.notNull())
        .addColumn('response', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('stored_responses_key_created').on('stored_responses').columns(['key_id', 'created_at']).execute();
    },
  },
  '003-governance': governanceMigration,
  '004-agents': agentsMigration,
  '005-secrets-and-mcp': secretsAndMcpMigration,
  '006-bootstrap-key': bootstrapKeyMigration,
  '007-admin-conversations': adminConversationsMigration,
  '008-request-log-indexes': requestLogIndexesMigration,
};
