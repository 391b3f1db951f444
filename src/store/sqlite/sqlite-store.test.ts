import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Libsql from 'libsql';
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../records.js';
import { runStoreContract } from '../store.contract.js';
import { UNUSED_REQUEST_LOG_INDEXES } from './migration-008-request-log-indexes.js';
import { openSqliteStore } from './sqlite-store.js';

describe('SQLite store', () => {
  runStoreContract(() => openSqliteStore(join(mkdtempSync(join(tmpdir(), 'auxot-store-')), 'auxot.db')));

  it('keeps data across reopening the same file (migrations run once)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'auxot-store-')), 'auxot.db');
    const first = await openSqliteStore(path);
    await first.organizations.insert({ id: 'org_x', name: 'X', createdAt: 1, settings: {} });
    await first.close();
    const second = await openSqliteStore(path);
    expect(await second.organizations.first()).toEqual({ id: 'org_x', name: 'X', createdAt: 1, settings: {} });
    await second.close();
  });

  it('marks, when migrating, the owner keys start-up made before keys were marked (006)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'auxot-store-')), 'auxot.db');
    const store = await openSqliteStore(path);
    await store.organizations.insert({ id: 'org_x', name: 'X', createdAt: 1, settings: {} });
    const person = (id: string, email: string) => ({
      id,
      orgId: 'org_x',
      name: id,
      email,
      role: 'owner' as const,
      createdAt: 1,
      updatedAt: 1,
      disabledAt: null,
    });
    await store.users.insert(person('user_first', 'owner@localhost'));
    await store.users.insert(person('user_alice', 'alice@example.com'));
    const key = (id: string, name: string, userId: string): ApiKeyRecord => ({
      id,
      orgId: 'org_x',
      name,
      displayPrefix: 'axk_…',
      hash: `hash-${id}`,
      role: 'owner',
      serviceClass: 'interactive',
      createdAt: 1,
      expiresAt: null,
      revokedAt: null,
      userId,
      serviceAccountId: null,
      teamId: null,
      policy: null,
      lastUsedAt: null,
      bootstrap: false,
    });
    await store.apiKeys.insert(key('key_generated', 'owner', 'user_first'));
    await store.apiKeys.insert(key('key_env', 'owner (AUXOT_ADMIN_KEY)', 'user_first'));
    await store.apiKeys.insert(key('key_alice', 'owner', 'user_alice'));
    await store.close();
    // The store as the previous version left it: no column, migrations 006 to 008 not applied.
    const raw = new Libsql(path);
    raw.exec(
      "DELETE FROM kysely_migration WHERE name = '008-request-log-indexes'; DROP TABLE admin_conversations; DELETE FROM kysely_migration WHERE name = '007-admin-conversations'; ALTER TABLE api_keys DROP COLUMN bootstrap; DELETE FROM kysely_migration WHERE name = '006-bootstrap-key'",
    );
    raw.close();
    const migrated = await openSqliteStore(path);
    const marked = (await migrated.apiKeys.list('org_x')).map((entry) => [entry.id, entry.bootstrap]);
    expect(marked.sort()).toEqual([
      ['key_alice', false],
      ['key_env', true],
      ['key_generated', true],
    ]);
    await migrated.close();
  });

  it('drops, when migrating, the request-log indexes no query used (008) and keeps the ones that are', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'auxot-store-')), 'auxot.db');
    await (await openSqliteStore(path)).close();
    // The store as 007 left it: the seven indexes present, 008 not applied.
    const raw = new Libsql(path);
    for (const name of UNUSED_REQUEST_LOG_INDEXES) raw.exec(`CREATE INDEX ${name} ON request_log (org_id, started_at)`);
    raw.exec("DELETE FROM kysely_migration WHERE name = '008-request-log-indexes'");
    raw.close();
    await (await openSqliteStore(path)).close();
    const check = new Libsql(path);
    const indexes = (
      check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_log' ORDER BY name").all() as Array<{ name: string }>
    ).map((row) => row.name);
    check.close();
    expect(indexes).toEqual(['request_log_org_started', 'request_log_started_at', 'sqlite_autoindex_request_log_1']);
  });
});
