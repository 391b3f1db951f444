import { join } from 'node:path';
import Libsql from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ask } from './helpers/cascade-calls.js';

async function readyz(server: TestServer): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`${server.url}/readyz`);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
}

/**
 * `/readyz` against the real store file: another process's connection takes SQLite's write lock
 * (as a stray `sqlite3` shell or a backup script would), or changes the migration table.
 */
describe('GET /readyz', () => {
  let server: TestServer;
  let other: Libsql.Database;
  beforeAll(async () => {
    server = await startTestServer();
    other = new Libsql(join(server.dataDir, 'auxot.db'));
  });
  afterAll(async () => {
    other.close();
    await server.close();
  });

  it('is ready with a reachable, migrated store and a request log that keeps up; HEAD answers the same; no key needed', async () => {
    expect(await readyz(server)).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', requestLog: 'ok' } } });
    expect((await fetch(`${server.url}/readyz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('turns 503 while the store refuses request records, naming why, and ready again once they are written (none lost)', async () => {
    other.exec('BEGIN IMMEDIATE');
    try {
      expect((await ask(server, 'no-such-model', 'recorded while locked')).status).toBe(404);
      // Listing flushes the writer: the write fails on the lock; reading still works (WAL).
      expect((await server.admin('GET', '/api/admin/requests?limit=5')).status).toBe(200);
      const locked = await readyz(server);
      expect(locked.status).toBe(503);
      expect(locked.body.status).toBe('not ready');
      expect(locked.body.checks.store).toBe('ok');
      expect(locked.body.checks.requestLog).toMatch(/^request log writes are failing \(backlog 1\): .*database is locked/);
      expect((await fetch(`${server.url}/readyz`, { method: 'HEAD' })).status).toBe(503);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^auxot_request_log_backlog 1$/m);
      expect(metrics).toMatch(/^auxot_request_log_write_errors_total [1-9]\d*$/m);
      expect(server.logs().some((entry) => entry.msg === 'request log write failed; will retry' && /database is locked/.test(entry.error))).toBe(true);
    } finally {
      other.exec('ROLLBACK');
    }
    const records = await server.requestLog(5);
    expect(records.map((record) => record.modelRequested)).toContain('no-such-model');
    expect(await readyz(server)).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', requestLog: 'ok' } } });
  });

  it('turns 503 when the store is not migrated to this version, or was migrated by a newer one', async () => {
    const [applied] = other.prepare('SELECT name, timestamp FROM kysely_migration ORDER BY name LIMIT 1').all() as Array<{ name: string; timestamp: string }>;
    expect(applied).toBeDefined();
    const { name, timestamp } = applied as { name: string; timestamp: string };
    other.prepare('DELETE FROM kysely_migration WHERE name = ?').run(name);
    try {
      const pending = await readyz(server);
      expect(pending.status).toBe(503);
      expect(pending.body.checks.store).toBe(`the store is not migrated: ${name} not applied`);
    } finally {
      other.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run(name, timestamp);
    }
    other.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('999-from-a-newer-version', timestamp);
    try {
      const newer = await readyz(server);
      expect(newer.status).toBe(503);
      expect(newer.body.checks.store).toBe('the store was migrated by a newer version of Auxot (999-from-a-newer-version); run that version');
    } finally {
      other.prepare('DELETE FROM kysely_migration WHERE name = ?').run('999-from-a-newer-version');
    }
    expect((await readyz(server)).status).toBe(200);
  });
});
