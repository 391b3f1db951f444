import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Drops the seven request-log indexes no query used. The listing's filters (key, team, user,
 * provider, model, status, route) all run on `request_log_org_started`: SQLite's planner prefers
 * the index that also gives the listing's order, and with the indexes present and 50,000 rows it
 * chose it for every filter (EXPLAIN QUERY PLAN; decision 59). Each of them still cost every
 * record a B-tree insert and its pages in every commit. Kept: the primary key (lookups by id),
 * `request_log_org_started` (listings, spend) and `request_log_started_at` (retention).
 */
export const UNUSED_REQUEST_LOG_INDEXES = [
  'request_log_key_started',
  'request_log_team_started',
  'request_log_user_started',
  'request_log_provider_started',
  'request_log_model_started',
  'request_log_status_started',
  'request_log_route_started',
] as const;

export const requestLogIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const name of UNUSED_REQUEST_LOG_INDEXES) await sql`DROP INDEX IF EXISTS ${sql.id(name)}`.execute(db);
  },
};
