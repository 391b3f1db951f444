import { GatewayError } from '../../canonical/gateway-error.js';
import { isOrgAdmin, requireOrgAdmin, requireOwner } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { OrgRole, TeamRole, UserRecord } from '../../store/governance-records.js';
import { changeWithAudit, findUser, iso, type GovernanceContext } from './context.js';

export interface UserView {
  id: string;
  name: string;
  email: string;
  role: OrgRole;
  teams: Array<{ team: string; role: TeamRole }>;
  createdAt: string;
  disabledAt: string | null;
}

/**
 * People: their organization role and their teams. Owners and admins manage them; only owners
 * make owners and admins; the last owner can be neither demoted nor disabled.
 */
export class UserService {
  constructor(private readonly context: GovernanceContext) {}

  async list(actor: Principal): Promise<UserView[]> {
    if (!isOrgAdmin(actor)) return actor.identity.kind === 'user' ? [await this.get(actor, actor.identity.id)] : [];
    return Promise.all((await this.context.store.users.list(actor.orgId)).map((user) => this.view(user)));
  }

  async get(actor: Principal, user: string): Promise<UserView> {
    const record = await findUser(this.context, actor, user);
    if (!isOrgAdmin(actor) && !(actor.identity.kind === 'user' && actor.identity.id === record.id)) throw new GatewayError('not_found', `No user '${user}'`);
    return this.view(record);
  }

  async create(actor: Principal, input: { name: string; email: string; role?: OrgRole | undefined }): Promise<UserView> {
    requireOrgAdmin(actor, 'adding a person');
    const role = input.role ?? 'member';
    if (role !== 'member') requireOwner(actor, `making someone ${role}`);
    const email = input.email.toLowerCase();
    if ((await this.context.store.users.findByEmail(actor.orgId, email)) !== undefined) {
      throw new GatewayError('invalid_request', `A person with the email ${email} already exists`, { param: 'email' });
    }
    const now = this.context.clock.now();
    const record: UserRecord = { id: this.context.newId('user_'), orgId: actor.orgId, name: input.name, email, role, createdAt: now, updatedAt: now, disabledAt: null };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.users.insert(record);
      const view = await this.view(record);
      return { result: view, audit: { action: 'user.create', targetType: 'user', targetId: record.id, targetName: email, before: null, after: view } };
    });
  }

  async update(actor: Principal, user: string, input: { name?: string | undefined; role?: OrgRole | undefined; disabled?: boolean | undefined }): Promise<UserView> {
    requireOrgAdmin(actor, 'changing a person');
    const current = await findUser(this.context, actor, user);
    if (input.role !== undefined && input.role !== current.role && (input.role !== 'member' || current.role !== 'member')) requireOwner(actor, 'changing who is an owner or admin');
    const losesOwnership = current.role === 'owner' && ((input.role !== undefined && input.role !== 'owner') || input.disabled === true);
    if (losesOwnership) {
      const owners = (await this.context.store.users.list(actor.orgId)).filter((candidate) => candidate.role === 'owner' && candidate.disabledAt === null && candidate.id !== current.id);
      if (owners.length === 0) throw new GatewayError('forbidden', 'The last owner cannot be demoted or disabled: make someone else an owner first');
    }
    const now = this.context.clock.now();
    const next: UserRecord = {
      ...current,
      name: input.name ?? current.name,
      role: input.role ?? current.role,
      disabledAt: input.disabled === undefined ? current.disabledAt : input.disabled ? (current.disabledAt ?? now) : null,
      updatedAt: now,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      const before = await this.view(current);
      await store.users.update(next);
      const after = await this.view(next);
      return { result: after, audit: { action: 'user.update', targetType: 'user', targetId: next.id, targetName: next.email, before, after } };
    });
  }

  /**
   * Removes a person: their keys are revoked and their memberships go with them, in one change.
   * Their request records and usage stay (under their id); the audit trail keeps their email.
   */
  async delete(actor: Principal, user: string): Promise<void> {
    requireOrgAdmin(actor, 'removing a person');
    const current = await findUser(this.context, actor, user);
    if (current.role !== 'member') requireOwner(actor, `removing an ${current.role}`);
    if (current.role === 'owner') {
      const owners = (await this.context.store.users.list(actor.orgId)).filter((candidate) => candidate.role === 'owner' && candidate.disabledAt === null && candidate.id !== current.id);
      if (owners.length === 0) throw new GatewayError('forbidden', 'The last owner cannot be removed: make someone else an owner first');
    }
    const before = await this.view(current);
    const now = this.context.clock.now();
    await changeWithAudit(this.context, actor, async (store) => {
      for (const key of await store.apiKeys.list(actor.orgId)) if (key.userId === current.id && key.revokedAt === null) await store.apiKeys.revoke(key.id, now);
      await store.users.delete(current.id);
      return { result: undefined, audit: { action: 'user.delete', targetType: 'user', targetId: current.id, targetName: current.email, before, after: null } };
    });
  }

  private async view(record: UserRecord): Promise<UserView> {
    const teams: UserView['teams'] = [];
    for (const membership of await this.context.store.memberships.listByUser(record.id)) {
      const team = await this.context.store.teams.findById(membership.teamId);
      if (team !== undefined) teams.push({ team: team.name, role: membership.role });
    }
    return { id: record.id, name: record.name, email: record.email, role: record.role, teams, createdAt: iso(record.createdAt) ?? '', disabledAt: iso(record.disabledAt) };
  }
}
