import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Clock } from '../platform/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import type { ApiKeyRepository } from '../store/store.js';
import { hashKeySecret } from './api-key-secret.js';
import { Authenticator } from './authenticator.js';

/** The real SQLite key repository, with its lookups counted to show what the cache saves. */
async function countingKeys(records: ApiKeyRecord[]): Promise<ApiKeyRepository & { lookups: number }> {
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'auxot-auth-')), 'auxot.db'));
  await store.organizations.insert({ id: 'org_1', name: 'Org', createdAt: 0 });
  for (const record of records) await store.apiKeys.insert(record);
  const keys = store.apiKeys;
  const counted = {
    lookups: 0,
    insert: keys.insert.bind(keys),
    findById: keys.findById.bind(keys),
    list: keys.list.bind(keys),
    revoke: keys.revoke.bind(keys),
    findByHash: (hash: string) => {
      counted.lookups++;
      return keys.findByHash(hash);
    },
  };
  return counted;
}

function key(secret: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: `key_${secret}`,
    orgId: 'org_1',
    name: secret,
    displayPrefix: 'axk…',
    hash: hashKeySecret(secret),
    role: 'member',
    serviceClass: 'batch',
    createdAt: 0,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

describe('Authenticator', () => {
  let now = 1_000;
  const clock: Clock = { now: () => now, monotonic: () => now };

  it('returns the principal of a valid key and caches the lookup', async () => {
    const keys = await countingKeys([key('good')]);
    const authenticator = new Authenticator(keys, clock, 60_000);
    const principal = await authenticator.authenticate('good');
    expect(principal).toEqual({ orgId: 'org_1', keyId: 'key_good', keyName: 'good', role: 'member', serviceClass: 'batch' });
    await authenticator.authenticate('good');
    expect(keys.lookups).toBe(1);
    now += 60_001;
    await authenticator.authenticate('good');
    expect(keys.lookups).toBe(2);
  });

  it('refuses missing, unknown, revoked and expired keys with unauthorized', async () => {
    const keys = await countingKeys([key('revoked', { revokedAt: 5 }), key('expired', { expiresAt: now - 1 })]);
    const authenticator = new Authenticator(keys, clock);
    await expect(authenticator.authenticate(undefined)).rejects.toMatchObject({ code: 'unauthorized', message: /Missing API key/ });
    await expect(authenticator.authenticate('nope')).rejects.toMatchObject({ code: 'unauthorized', message: 'Invalid API key' });
    await expect(authenticator.authenticate('revoked')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(authenticator.authenticate('expired')).rejects.toMatchObject({ code: 'unauthorized', message: 'API key expired' });
  });

  it('forgets a revoked key at once when invalidated', async () => {
    const keys = await countingKeys([key('soon-revoked')]);
    const authenticator = new Authenticator(keys, clock);
    await authenticator.authenticate('soon-revoked');
    await keys.revoke('key_soon-revoked', now);
    authenticator.invalidate();
    await expect(authenticator.authenticate('soon-revoked')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
