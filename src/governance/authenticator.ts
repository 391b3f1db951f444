import { GatewayError } from '../canonical/gateway-error.js';
import type { Clock } from '../platform/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import type { ApiKeyRepository } from '../store/store.js';
import { hashKeySecret } from './api-key-secret.js';
import type { Principal } from './principal.js';

interface CacheEntry {
  principal: Principal | undefined;
  keyExpiresAt: number | null;
  validUntil: number;
}

const MAX_CACHED_KEYS = 10_000;

/**
 * Turns a presented API key into a Principal. Lookups are cached (bounded, short-lived) so the
 * request path costs one SHA-256 and a Map read; revocation through this process takes effect at
 * once, and through another replica within `cacheTtlMs`.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
    private readonly cacheTtlMs = 60_000,
    private readonly negativeTtlMs = 5_000,
  ) {}

  async authenticate(secret: string | undefined): Promise<Principal> {
    if (secret === undefined || secret === '') {
      throw new GatewayError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    const hash = hashKeySecret(secret);
    const now = this.clock.now();
    let entry = this.cache.get(hash);
    if (entry === undefined || entry.validUntil <= now) {
      entry = this.toEntry(await this.keys.findByHash(hash), now);
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(hash, entry);
    }
    if (entry.principal === undefined) throw new GatewayError('unauthorized', 'Invalid API key');
    if (entry.keyExpiresAt !== null && entry.keyExpiresAt <= now) throw new GatewayError('unauthorized', 'API key expired');
    return entry.principal;
  }

  /** Forgets cached lookups, e.g. after a key was revoked. */
  invalidate(): void {
    this.cache.clear();
  }

  private toEntry(record: ApiKeyRecord | undefined, now: number): CacheEntry {
    if (record === undefined || record.revokedAt !== null) {
      return { principal: undefined, keyExpiresAt: null, validUntil: now + this.negativeTtlMs };
    }
    return {
      principal: {
        orgId: record.orgId,
        keyId: record.id,
        keyName: record.name,
        role: record.role,
        serviceClass: record.serviceClass,
      },
      keyExpiresAt: record.expiresAt,
      validUntil: now + this.cacheTtlMs,
    };
  }
}
