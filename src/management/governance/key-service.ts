import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { CALLER_KEY_PREFIX, displayPrefixOf, generateKeySecret, hashKeySecret } from '../../governance/api-key-secret.js';
import { canManageTeam, isOrgAdmin } from '../../governance/permissions.js';
import { narrowPolicy, policySchema, type Policy } from '../../governance/policy.js';
import type { Principal, ServiceClass } from '../../governance/principal.js';
import type { ApiKeyRecord, Role } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { changeWithAudit, findUser, iso, visibleTeam, type GovernanceContext } from './context.js';
import type { ServiceAccountService } from './service-account-service.js';

export const createKeyInput = z
  .object({
    name: z.string().min(1).max(100).describe('a name to tell the key apart'),
    user: z.string().min(1).optional().describe("the person the key belongs to (email or id); default: the caller"),
    serviceAccount: z.string().min(1).optional().describe('the service account the key belongs to (id, or team/name)'),
    team: z.string().min(1).optional().describe("the team the key acts for (its policy applies); default: the person's only team"),
    role: z.enum(['owner', 'admin', 'member', 'service']).optional().describe('for keys bound to nobody (automation keys of owners): the role they carry'),
    serviceClass: z.enum(['interactive', 'batch']).optional(),
    expiresAt: z.iso.datetime().optional(),
    policy: policySchema.optional().describe("narrows the team's policy for this key only"),
  })
  .strict();

export const listKeysInput = z
  .object({
    team: z.string().min(1).optional().describe('only keys acting for this team (name or id)'),
    user: z.string().min(1).optional().describe('only keys of this person (email or id)'),
    serviceAccount: z.string().min(1).optional().describe('only keys of this service account (id, or team/name)'),
    state: z.enum(['active', 'revoked', 'expired']).optional().describe('active: neither revoked nor expired'),
  })
  .strict();

export const updateKeyInput = z
  .object({
    name: z.string().min(1).max(100).optional(),
    expiresAt: z.iso.datetime().nullable().optional(),
    policy: policySchema.nullable().optional().describe('the override (null removes it)'),
  })
  .strict();

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  serviceClass: ServiceClass;
  owner: { kind: 'user' | 'service-account' | 'none'; id: string | null; name: string | null };
  team: string | null;
  policy: Policy | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** One key in full: what applies to its next request, as the authenticator will work it out. */
export interface ApiKeyDetailView extends ApiKeyView {
  effective: {
    /** The team it acts for (for a person's key without one: their only team). */
    team: string | null;
    /** The team's limits narrowed by its policy. */
    teamPolicy: Policy;
    /** That, narrowed again by the key's override. */
    policy: Policy;
    serviceClass: ServiceClass;
  };
}

export interface CreatedApiKey {
  /** The key itself: returned once, never stored, never shown again. */
  key: string;
  apiKey: ApiKeyView;
}

/**
 * Caller API keys. A key belongs to a person or a service account and acts for one team. People
 * create and revoke their own keys; team admins manage their team's keys (its service accounts',
 * and members' keys acting for it); owners and admins manage all. Revocation takes effect on the
 * very next request (the authenticator's cache is invalidated, not waited out).
 */
export class KeyService {
  constructor(
    private readonly context: GovernanceContext,
    private readonly serviceAccounts: ServiceAccountService,
  ) {}

  async list(actor: Principal, filters: z.output<typeof listKeysInput> = {}): Promise<ApiKeyView[]> {
    const teamId = filters.team === undefined ? undefined : (await visibleTeam(this.context, actor, filters.team)).id;
    const userId = filters.user === undefined ? undefined : (await findUser(this.context, actor, filters.user)).id;
    const accountId = filters.serviceAccount === undefined ? undefined : (await this.serviceAccounts.find(actor, filters.serviceAccount)).id;
    const now = this.context.clock.now();
    const keys = await this.context.store.apiKeys.list(actor.orgId);
    const visible: ApiKeyRecord[] = [];
    for (const key of keys) {
      if (teamId !== undefined && key.teamId !== teamId) continue;
      if (userId !== undefined && key.userId !== userId) continue;
      if (accountId !== undefined && key.serviceAccountId !== accountId) continue;
      if (filters.state !== undefined && stateOf(key, now) !== filters.state) continue;
      if (await this.mayManage(actor, key)) visible.push(key);
    }
    return Promise.all(visible.map((key) => this.view(key)));
  }

  async get(actor: Principal, id: string): Promise<ApiKeyDetailView> {
    const record = await this.find(actor, id);
    const { store } = this.context;
    let teamId = record.teamId;
    if (teamId === null && record.userId !== null) {
      const memberships = await store.memberships.listByUser(record.userId);
      if (memberships.length === 1) teamId = memberships[0]?.teamId ?? null;
    }
    const team = teamId === null ? undefined : await store.teams.findById(teamId);
    const teamPolicy = team === undefined ? {} : narrowPolicy(team.limits, team.policy);
    const policy = narrowPolicy(teamPolicy, record.policy ?? {});
    return { ...(await this.view(record)), effective: { team: team?.name ?? null, teamPolicy, policy, serviceClass: policy.serviceClass ?? record.serviceClass } };
  }

  async create(actor: Principal, input: z.output<typeof createKeyInput>): Promise<CreatedApiKey> {
    const binding = await this.binding(actor, input);
    const key = generateKeySecret(CALLER_KEY_PREFIX);
    const record: ApiKeyRecord = {
      id: this.context.newId('key_'),
      orgId: actor.orgId,
      name: input.name,
      displayPrefix: displayPrefixOf(key),
      hash: hashKeySecret(key),
      role: binding.role,
      serviceClass: input.serviceClass ?? 'interactive',
      createdAt: this.context.clock.now(),
      expiresAt: input.expiresAt === undefined ? null : Date.parse(input.expiresAt),
      revokedAt: null,
      userId: binding.userId,
      serviceAccountId: binding.serviceAccountId,
      teamId: binding.teamId,
      policy: input.policy ?? null,
      lastUsedAt: null,
      bootstrap: false,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.apiKeys.insert(record);
      const view = await this.view(record, store);
      return { result: { key, apiKey: view }, audit: { action: 'key.create', targetType: 'key', targetId: record.id, targetName: record.name, teamId: record.teamId, before: null, after: view } };
    });
  }

  async update(actor: Principal, id: string, input: z.output<typeof updateKeyInput>): Promise<ApiKeyView> {
    const current = await this.find(actor, id);
    const next: ApiKeyRecord = {
      ...current,
      name: input.name ?? current.name,
      expiresAt: input.expiresAt === undefined ? current.expiresAt : input.expiresAt === null ? null : Date.parse(input.expiresAt),
      policy: input.policy === undefined ? current.policy : input.policy,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.apiKeys.update(next);
      return { result: await this.view(next, store), audit: { action: 'key.update', targetType: 'key', targetId: next.id, targetName: next.name, teamId: next.teamId, before: await this.view(current, store), after: await this.view(next, store) } };
    });
  }

  async revoke(actor: Principal, id: string): Promise<ApiKeyView> {
    const record = await this.find(actor, id);
    if (record.role === 'owner' && actor.role !== 'owner') throw new GatewayError('forbidden', 'Forbidden: only an owner can revoke an owner key');
    if (record.role === 'owner' && record.revokedAt === null) {
      const now = this.context.clock.now();
      const otherOwners = (await this.context.store.apiKeys.list(actor.orgId)).filter(
        (key) => key.id !== record.id && key.role === 'owner' && key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now),
      );
      // Without an owner key nobody could manage the platform any more, nor mint a new owner key.
      if (otherOwners.length === 0) {
        throw new GatewayError('forbidden', 'The last owner key cannot be revoked: create another owner key first (role "owner"), then revoke this one');
      }
    }
    return changeWithAudit(this.context, actor, async (store) => {
      await store.apiKeys.revoke(record.id, this.context.clock.now());
      const after = (await store.apiKeys.findById(record.id)) ?? record;
      return { result: await this.view(after, store), audit: { action: 'key.revoke', targetType: 'key', targetId: record.id, targetName: record.name, teamId: record.teamId, before: await this.view(record, store), after: await this.view(after, store) } };
    });
  }

  /** A key the actor may manage; someone else's key is "not found". */
  private async find(actor: Principal, id: string): Promise<ApiKeyRecord> {
    const record = await this.context.store.apiKeys.findById(id);
    if (record === undefined || record.orgId !== actor.orgId || !(await this.mayManage(actor, record))) throw new GatewayError('not_found', `No API key '${id}'`);
    return record;
  }

  private async mayManage(actor: Principal, key: ApiKeyRecord): Promise<boolean> {
    if (isOrgAdmin(actor)) return true;
    if (key.id === actor.keyId) return true;
    if (actor.identity.kind === 'user' && key.userId === actor.identity.id) return true;
    if (key.teamId !== null && canManageTeam(actor, key.teamId)) return true;
    if (key.serviceAccountId !== null) {
      const account = await this.context.store.serviceAccounts.findById(key.serviceAccountId);
      return account !== undefined && canManageTeam(actor, account.teamId);
    }
    return false;
  }

  /** Who a new key belongs to and acts for, checked against what the actor may hand out. */
  private async binding(actor: Principal, input: z.output<typeof createKeyInput>): Promise<Pick<ApiKeyRecord, 'userId' | 'serviceAccountId' | 'teamId' | 'role'>> {
    if (input.serviceAccount !== undefined) {
      if (input.user !== undefined) throw new GatewayError('invalid_request', 'A key belongs to a person or to a service account, not both', { param: 'serviceAccount' });
      const account = await this.serviceAccounts.find(actor, input.serviceAccount);
      if (input.team !== undefined && (await visibleTeam(this.context, actor, input.team)).id !== account.teamId) {
        throw new GatewayError('invalid_request', "A service account's key acts for the service account's team", { param: 'team' });
      }
      return { userId: null, serviceAccountId: account.id, teamId: account.teamId, role: 'service' };
    }
    const self = actor.identity.kind === 'user' ? actor.identity.id : undefined;
    // A role without a holder asks for an automation key (how keys were made before people existed).
    if (input.user === undefined && (self === undefined || input.role !== undefined)) {
      // An automation key (bound to nobody) making another: only owners and admins, carrying at most their role.
      if (!isOrgAdmin(actor)) throw new GatewayError('forbidden', "Forbidden: a key that belongs to nobody needs the organization's owner or admin role; leave role out to create your own key");
      const role = input.role ?? 'member';
      if ((role === 'owner' || role === 'admin') && actor.role !== 'owner') throw new GatewayError('forbidden', `Forbidden: only an owner can create ${role} keys`);
      const teamId = input.team === undefined ? null : (await visibleTeam(this.context, actor, input.team)).id;
      return { userId: null, serviceAccountId: null, teamId, role };
    }
    const user = input.user === undefined ? undefined : await findUser(this.context, actor, input.user);
    const userId = user?.id ?? self ?? '';
    const owner = user ?? (await this.context.store.users.findById(userId));
    if (owner === undefined) throw new GatewayError('not_found', `No user '${input.user ?? userId}'`);
    if (input.role !== undefined && input.role !== owner.role) {
      throw new GatewayError('invalid_request', `A person's key carries their own role (${owner.role}); leave role out`, { param: 'role' });
    }
    const memberships = await this.context.store.memberships.listByUser(owner.id);
    let teamId: string | null = null;
    if (input.team !== undefined) {
      const team = await visibleTeam(this.context, actor, input.team);
      if (!memberships.some((membership) => membership.teamId === team.id)) {
        throw new GatewayError('invalid_request', `${owner.email} is not a member of team '${team.name}'`, { param: 'team' });
      }
      teamId = team.id;
    } else if (memberships.length === 1) {
      teamId = memberships[0]?.teamId ?? null;
    }
    const forSelf = owner.id === self;
    if (!forSelf && !isOrgAdmin(actor) && !(teamId !== null && canManageTeam(actor, teamId))) {
      throw new GatewayError('forbidden', "Forbidden: creating a key for someone else needs the team admin role in the team it acts for (or the organization's admin role)");
    }
    return { userId: owner.id, serviceAccountId: null, teamId, role: owner.role };
  }

  private async view(record: ApiKeyRecord, store: Store = this.context.store): Promise<ApiKeyView> {
    let owner: ApiKeyView['owner'] = { kind: 'none', id: null, name: null };
    if (record.userId !== null) owner = { kind: 'user', id: record.userId, name: (await store.users.findById(record.userId))?.email ?? null };
    else if (record.serviceAccountId !== null) owner = { kind: 'service-account', id: record.serviceAccountId, name: (await store.serviceAccounts.findById(record.serviceAccountId))?.name ?? null };
    const team = record.teamId === null ? null : ((await store.teams.findById(record.teamId))?.name ?? record.teamId);
    return {
      id: record.id,
      name: record.name,
      prefix: record.displayPrefix,
      role: record.role,
      serviceClass: record.serviceClass,
      owner,
      team,
      policy: record.policy,
      createdAt: iso(record.createdAt) ?? '',
      expiresAt: iso(record.expiresAt),
      lastUsedAt: iso(record.lastUsedAt),
      revokedAt: iso(record.revokedAt),
    };
  }
}

function stateOf(key: ApiKeyRecord, now: number): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt !== null) return 'revoked';
  return key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active';
}
