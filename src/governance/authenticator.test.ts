import { describe, expect, it } from 'vitest';
import type { Clock } from '../platform/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import type { ApiKeyRepository } from '../store/store.js';
import { hashKeySecret } from './api-key-secret.js';
import { Authenticator } from './authenticator.js';

/** An in-memory repository that counts lookups, to prove the cache works. */
class CountingKeys implements ApiKeyRepository {
  lookups = 0;
  constructor(readonly records: ApiKeyRecord[]) {}
  async insert(record: ApiKeyRecord): Promise<void> {
    this.records.push(record);
  }
  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    this.lookups++;
    return this.records.find((record) => record.hash === hash);
  }
  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    return this.records.find((record) => record.id === id);
  }
  async list(): Promise<ApiKeyRecord[]> {
    return this.records;
  }
  async revoke(id: string, at: number): Promise<boolean> {
    const record = this.records.find((candidate) => candidate.id === id);
    if (record === undefined) return false;
    record.revokedAt = at;
    return true;
  }
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
    const keys = new CountingKeys([key('good')]);
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
    const keys = new CountingKeys([key('revoked', { revokedAt: 5 }), key('expired', { expiresAt: now - 1 })]);
    const authenticator = new Authenticator(keys, clock);
    await expect(authenticator.authenticate(undefined)).rejects.toMatchObject({ code: 'unauthorized', message: /Missing API key/ });
    await expect(authenticator.authenticate('nope')).rejects.toMatchObject({ code: 'unauthorized', message: 'Invalid API key' });
    await expect(authenticator.authenticate('revoked')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(authenticator.authenticate('expired')).rejects.toMatchObject({ code: 'unauthorized', message: 'API key expired' });
  });

  it('forgets a revoked key at once when invalidated', async () => {
    const keys = new CountingKeys([key('soon-revoked')]);
    const authenticator = new Authenticator(keys, clock);
    await authenticator.authenticate('soon-revoked');
    await keys.revoke('key_soon-revoked', now);
    authenticator.invalidate();
    await expect(authenticator.authenticate('soon-revoked')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
