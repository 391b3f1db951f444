import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../platform/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { hashKeySecret } from './api-key-secret.js';
import { Authenticator } from './authenticator.js';

/** The real SQLite store, with its key lookups counted to show what the cache saves. */
async function countingStore(records: ApiKeyRecord[]): Promise<{ store: Store; lookups(): number }> {
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'auxot-auth-')), 'auxot.db'));
  await store.organizations.insert({ id: 'org_1', name: 'Org', createdAt: 0, settings: {} });
  for (const record of records) await store.apiKeys.insert(record);
  let lookups = 0;
  const findByHash = store.apiKeys.findByHash.bind(store.apiKeys);
  store.apiKeys.findByHash = (hash: string) => {
    lookups++;
    return findByHash(hash);
  };
  return { store, lookups: () => lookups };
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
    userId: null,
    serviceAccountId: null,
    teamId: null,
    policy: null,
    lastUsedAt: null,
    bootstrap: false,
    ...overrides,
  };
}

describe('Authenticator', () => {
  let now = 1_000;
  const clock: Clock = { now: () => now, monotonic: () => now };

  it('returns the principal of a valid key and caches the lookup', async () => {
    const { store, lookups } = await countingStore([key('good')]);
    const authenticator = new Authenticator(store, clock, 60_000);
    const principal = await authenticator.authenticate('good');
    expect(principal).toMatchObject({
      orgId: 'org_1',
      keyId: 'key_good',
      keyName: 'good',
      role: 'member',
      serviceClass: 'batch',
      identity: { kind: 'key', id: 'key_good' },
      teamId: undefined,
      policy: {},
    });
    await authenticator.authenticate('good');
    expect(lookups()).toBe(1);
    now += 60_001;
    await authenticator.authenticate('good');
    expect(lookups()).toBe(2);
    await authenticator.close();
  });

  it('refuses missing, unknown, revoked and expired keys with unauthorized', async () => {
    const { store } = await countingStore([key('revoked', { revokedAt: 5 }), key('expired', { expiresAt: now - 1 })]);
    const authenticator = new Authenticator(store, clock);
    await expect(authenticator.authenticate(undefined)).rejects.toMatchObject({ code: 'unauthorized', message: /Missing API key/ });
    await expect(authenticator.authenticate('nope')).rejects.toMatchObject({ code: 'unauthorized', message: 'Invalid API key' });
    await expect(authenticator.authenticate('revoked')).rejects.toMatchObject({ code: 'unauthorized', message: 'API key revoked' });
    await expect(authenticator.authenticate('expired')).rejects.toMatchObject({ code: 'unauthorized', message: 'API key expired' });
    await authenticator.close();
  });

  it('forgets a revoked key at once when invalidated', async () => {
    const { store } = await countingStore([key('soon-revoked')]);
    const authenticator = new Authenticator(store, clock);
    await authenticator.authenticate('soon-revoked');
    await store.apiKeys.revoke('key_soon-revoked', now);
    authenticator.invalidate();
    await expect(authenticator.authenticate('soon-revoked')).rejects.toMatchObject({ code: 'unauthorized' });
    await authenticator.close();
  });

  it('knows the person, their teams and the policy of the team the key acts for', async () => {
    const { store } = await countingStore([]);
    await store.users.insert({
      id: 'user_ann',
      orgId: 'org_1',
      name: 'Ann',
      email: 'ann@example.com',
      role: 'member',
      createdAt: 0,
      updatedAt: 0,
      disabledAt: null,
    });
    for (const [id, name] of [
      ['team_a', 'alpha'],
      ['team_b', 'beta'],
    ] as const) {
      await store.teams.insert({
        id,
        orgId: 'org_1',
        name,
        description: '',
        limits: { requestsPerMinute: 100 },
        policy: { requestsPerMinute: 200, approvedModels: ['gpt-*'] },
        createdAt: 0,
        updatedAt: 0,
      });
    }
    await store.memberships.put({ teamId: 'team_a', userId: 'user_ann', role: 'team_admin', createdAt: 0 });
    await store.memberships.put({ teamId: 'team_b', userId: 'user_ann', role: 'member', createdAt: 0 });
    await store.apiKeys.insert(key('ann', { userId: 'user_ann', teamId: 'team_b', policy: { requestsPerMinute: 10 } }));
    const authenticator = new Authenticator(store, clock);
    const principal = await authenticator.authenticate('ann');
    expect(principal).toMatchObject({ identity: { kind: 'user', id: 'user_ann', email: 'ann@example.com' }, teamId: 'team_b', teamName: 'beta' });
    expect([...principal.teamAdminOf]).toEqual(['team_a']);
    expect([...principal.memberOf].sort()).toEqual(['team_a', 'team_b']);
    // The team's limits narrow its own policy; the key's override narrows that.
    expect(principal.teamPolicy).toEqual({ scope: 'team:team_b', label: "team 'beta'", policy: { requestsPerMinute: 100, approvedModels: ['gpt-*'] } });
    expect(principal.policy).toEqual({ requestsPerMinute: 10, approvedModels: ['gpt-*'] });

    // Leaving the team the key acts for, or being disabled, ends the key at once.
    await store.memberships.remove('team_b', 'user_ann');
    authenticator.invalidate();
    await expect(authenticator.authenticate('ann')).rejects.toMatchObject({ message: /no longer a member/ });
    await authenticator.close();
  });
});
