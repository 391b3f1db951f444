import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Libsql from 'libsql';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import type { Store } from '../store.js';
import { SqliteConfigChangeRepository, SqliteRequestBodyRepository } from './audit-repositories.js';
import { SqliteApiKeyRepository, SqliteOrganizationRepository } from './identity-repositories.js';
import { migrations } from './migrations.js';
import { SqliteProviderRepository, SqliteRouteRepository, SqliteWorkerKeyRepository } from './provider-repositories.js';
import { SqliteRequestLogRepository } from './request-log-repository.js';
import { SqliteStoredResponseRepository } from './stored-response-repository.js';
import type { Database } from './schema.js';
import { SqliteMembershipRepository, SqliteServiceAccountRepository, SqliteTeamRepository, SqliteUserRepository } from './team-repositories.js';
import { SqliteUsageRepository } from './usage-repository.js';
import { storeReadiness } from './store-readiness.js';
import { sqliteAgentStore } from './agent-repositories.js';
import { SqliteAdminConversationRepository } from './admin-conversation-repository.js';
import { SqliteMcpConnectionRepository, SqliteSecretRepository } from './secret-repositories.js';

/**
 * The embedded default: one SQLite file under the data directory. The driver is `libsql`, whose
 * native binary ships inside npm packages (better-sqlite3 would download from GitHub or compile).
 */
export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ':memory:') createOwnerOnly(path);
  const database = new Libsql(path);
  database.exec('PRAGMA journal_mode = WAL');
  // WAL + NORMAL: a crash can lose the last commits but never corrupts; audit writes are batched anyway.
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA foreign_keys = ON');
  // Another process holding the write lock makes a write wait this long, synchronously, with every
  // request in flight stalled behind it; the request log writer backs off and retries instead.
  database.exec('PRAGMA busy_timeout = 250');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrate(db);
  const writes = new WriteQueue();
  const store: Store = {
    organizations: new SqliteOrganizationRepository(db),
    apiKeys: new SqliteApiKeyRepository(db),
    providers: new SqliteProviderRepository(db),
    routes: new SqliteRouteRepository(db),
    workerKeys: new SqliteWorkerKeyRepository(db),
    requestLog: new SqliteRequestLogRepository(db, database),
    responses: new SqliteStoredResponseRepository(db),
    teams: new SqliteTeamRepository(db),
    users: new SqliteUserRepository(db),
    memberships: new SqliteMembershipRepository(db),
    serviceAccounts: new SqliteServiceAccountRepository(db),
    configChanges: new SqliteConfigChangeRepository(db),
    usage: new SqliteUsageRepository(db, database),
    requestBodies: new SqliteRequestBodyRepository(db),
    agentStore: sqliteAgentStore(db),
    secrets: new SqliteSecretRepository(db),
    mcpConnections: new SqliteMcpConnectionRepository(db),
    adminConversations: new SqliteAdminConversationRepository(db),
    // One connection serves every query, so a transaction is BEGIN … COMMIT on it, with
    // transactions taking turns (a second BEGIN on the same connection would fail).
    transaction: (work) =>
      writes.run(async () => {
        database.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(store);
          database.exec('COMMIT');
          return result;
        } catch (error) {
          if (database.inTransaction) database.exec('ROLLBACK');
          throw error;
        }
      }),
    readiness: storeReadiness(database, Object.keys(migrations)),
    close: () => db.destroy(),
  };
  return store;
}

/** Runs tasks one after the other, in the order they were queued. */
class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Owner-only: the store holds key hashes and sealed provider keys and secrets. The directory is created
 * 0700; the database file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm
 * files the database file's mode), and files left readable by an older version are tightened.
 */
function createOwnerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
}

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

async function migrate(db: Kysely<Database>): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) throw new Error(`store migration failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
}
