import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoreContract } from '../store.contract.js';
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
});
