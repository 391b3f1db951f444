import { GatewayError } from '../canonical/gateway-error.js';
import type { Clock } from '../platform/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { hashKeySecret } from './api-key-secret.js';
import { narrowPolicy } from './policy.js';
import type { Identity, Principal, ScopedPolicy } from './principal.js';

/** What authentication reads: keys and the identities, teams and memberships behind them. */
export type IdentityDirectory = Pick<Store, 'apiKeys' | 'users' | 'memberships' | 'serviceAccounts' | 'teams'>;

interface CacheEntry {
  principal: Principal | undefined;
  /** Why the key is refused (when `principal` is undefined). */
  refusal: string;
  keyExpiresAt: number | null;
  validUntil: number;
}

const MAX_CACHED_KEYS = 10_000;
/** Last-used times are written in batches: to the second is precise enough, once per key per interval. */
const TOUCH_INTERVAL_MS = 5_000;

/**
 * Turns a presented API key into a Principal: the key, the person or service account behind it,
 * the team it acts for and the policy that applies. Lookups are cached (bounded, short-lived) so
 * the request path costs one SHA-256 and a Map read. Every change to keys, people, teams or
 * policies invalidates the cache at once, so a revoked key is refused on its very next request.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly used = new Map<string, number>();
  private readonly toucher: NodeJS.Timeout;

  constructor(
    private readonly directory: IdentityDirectory,
    private readonly clock: Clock,
    private readonly cacheTtlMs = 60_000,
    private readonly negativeTtlMs = 5_000,
  ) {
    this.toucher = setInterval(() => void this.flushUses(), TOUCH_INTERVAL_MS);
    this.toucher.unref();
  }

  async authenticate(secret: string | undefined): Promise<Principal> {
    if (secret === undefined || secret === '') {
      throw new GatewayError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    const hash = hashKeySecret(secret);
    const now = this.clock.now();
    let entry = this.cache.get(hash);
    if (entry === undefined || entry.validUntil <= now) {
      entry = await this.resolve(hash, now);
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(hash, entry);
    }
    if (entry.principal === undefined) throw new GatewayError('unauthorized', entry.refusal);
    if (entry.keyExpiresAt !== null && entry.keyExpiresAt <= now) throw new GatewayError('unauthorized', 'API key expired');
    this.used.set(entry.principal.keyId, now);
    return entry.principal;
  }

  /** Forgets every cached lookup: called after any change to keys, people, teams or policies. */
  invalidate(): void {
    this.cache.clear();
  }

  /** Writes the last-used times gathered since the previous flush. */
  async flushUses(): Promise<void> {
    if (this.used.size === 0) return;
    const uses = [...this.used].map(([id, at]) => ({ id, at }));
    this.used.clear();
    await this.directory.apiKeys.touch(uses).catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.toucher);
    await this.flushUses();
  }

  private async resolve(hash: string, now: number): Promise<CacheEntry> {
    const refused = (refusal: string): CacheEntry => ({ principal: undefined, refusal, keyExpiresAt: null, validUntil: now + this.negativeTtlMs });
    const record = await this.directory.apiKeys.findByHash(hash);
    if (record === undefined) return refused('Invalid API key');
    if (record.revokedAt !== null) return refused('API key revoked');
    const principal = await this.principalOf(record);
    if (typeof principal === 'string') return refused(principal);
    return { principal, refusal: '', keyExpiresAt: record.expiresAt, validUntil: now + this.cacheTtlMs };
  }

  /** The principal a key stands for, or why it stands for nobody any more. */
  private async principalOf(record: ApiKeyRecord): Promise<Principal | string> {
    const { directory } = this;
    let identity: Identity = { kind: 'key', id: record.id, name: record.name };
    let role = record.role;
    let teamId = record.teamId ?? undefined;
    const teamAdminOf = new Set<string>();
    const memberOf = new Set<string>();
    if (record.userId !== null) {
      const user = await directory.users.findById(record.userId);
      if (user === undefined || user.disabledAt !== null) return "API key refused: the person it belongs to is disabled or gone";
      identity = { kind: 'user', id: user.id, name: user.name, email: user.email };
      role = user.role;
      for (const membership of await directory.memberships.listByUser(user.id)) {
        memberOf.add(membership.teamId);
        if (membership.role === 'team_admin') teamAdminOf.add(membership.teamId);
      }
      // A person in exactly one team acts for it unless the key names another.
      if (teamId === undefined && memberOf.size === 1) teamId = [...memberOf][0];
      if (teamId !== undefined && !memberOf.has(teamId)) return 'API key refused: its person is no longer a member of the team it acts for';
    } else if (record.serviceAccountId !== null) {
      const account = await directory.serviceAccounts.findById(record.serviceAccountId);
      if (account === undefined || account.disabledAt !== null) return 'API key refused: its service account is disabled or gone';
      identity = { kind: 'service-account', id: account.id, name: account.name };
      role = 'service';
      teamId = account.teamId;
      memberOf.add(account.teamId);
    }
    let teamPolicy: ScopedPolicy | undefined;
    let teamName: string | undefined;
    if (teamId !== undefined) {
      const team = await directory.teams.findById(teamId);
      if (team === undefined) return 'API key refused: the team it acts for no longer exists';
      teamName = team.name;
      teamPolicy = { scope: `team:${team.id}`, label: `team '${team.name}'`, policy: narrowPolicy(team.limits, team.policy) };
    }
    const keyPolicy: ScopedPolicy | undefined = record.policy === null ? undefined : { scope: `key:${record.id}`, label: `key '${record.name}'`, policy: record.policy };
    const policy = narrowPolicy(teamPolicy?.policy ?? {}, keyPolicy?.policy ?? {});
    return {
      orgId: record.orgId,
      keyId: record.id,
      keyName: record.name,
      identity,
      role,
      teamId,
      teamName,
      teamAdminOf,
      memberOf,
      serviceClass: policy.serviceClass ?? record.serviceClass,
      teamPolicy,
      keyPolicy,
      policy,
    };
  }
}
