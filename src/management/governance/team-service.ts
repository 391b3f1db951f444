import { GatewayError } from '../../canonical/gateway-error.js';
import { isOrgAdmin, requireOrgAdmin, requireTeamAdmin } from '../../governance/permissions.js';
import { loosenings, narrowPolicy, type Policy } from '../../governance/policy.js';
import type { Principal } from '../../governance/principal.js';
import type { TeamRecord, TeamRole } from '../../store/governance-records.js';
import { changeWithAudit, findUser, iso, visibleTeam, type GovernanceContext } from './context.js';

export interface TeamView {
  id: string;
  name: string;
  description: string;
  /** The ceiling the organization set. */
  limits: Policy;
  /** The team's own policy. */
  policy: Policy;
  /** What applies: the policy within the limits. */
  effectivePolicy: Policy;
  createdAt: string;
  updatedAt: string;
}

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: TeamRole;
}

/** Teams, their members, and their two layers of policy (the organization's limits, the team's own policy). */
export class TeamService {
  constructor(private readonly context: GovernanceContext) {}

  async list(actor: Principal): Promise<TeamView[]> {
    const teams = await this.context.store.teams.list(actor.orgId);
    return teams.filter((team) => isOrgAdmin(actor) || actor.memberOf.has(team.id) || actor.teamAdminOf.has(team.id)).map(toView);
  }

  async get(actor: Principal, team: string): Promise<TeamView> {
    return toView(await visibleTeam(this.context, actor, team));
  }

  async create(actor: Principal, input: { name: string; description?: string | undefined; limits?: Policy | undefined; policy?: Policy | undefined }): Promise<TeamView> {
    requireOrgAdmin(actor, 'creating a team');
    if ((await this.context.store.teams.findByName(actor.orgId, input.name)) !== undefined) {
      throw new GatewayError('invalid_request', `A team named '${input.name}' already exists`, { param: 'name' });
    }
    const now = this.context.clock.now();
    const record: TeamRecord = {
      id: this.context.newId('team_'),
      orgId: actor.orgId,
      name: input.name,
      description: input.description ?? '',
      limits: input.limits ?? {},
      policy: input.policy ?? {},
      createdAt: now,
      updatedAt: now,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.teams.insert(record);
      return { result: toView(record), audit: { action: 'team.create', targetType: 'team', targetId: record.id, targetName: record.name, teamId: record.id, before: null, after: toView(record) } };
    });
  }

  async update(actor: Principal, team: string, input: { description?: string | undefined }): Promise<TeamView> {
    const current = await visibleTeam(this.context, actor, team);
    requireTeamAdmin(actor, current.id, current.name, 'changing a team');
    const next: TeamRecord = { ...current, description: input.description ?? current.description, updatedAt: this.context.clock.now() };
    return this.save(actor, current, next, 'team.update');
  }

  /** The ceiling on a team's policy: only the organization's owners and admins set it. */
  async setLimits(actor: Principal, team: string, limits: Policy): Promise<TeamView> {
    const current = await visibleTeam(this.context, actor, team);
    requireOrgAdmin(actor, "setting a team's limits");
    return this.save(actor, current, { ...current, limits, updatedAt: this.context.clock.now() }, 'team.limits');
  }

  /** The team's own policy: its team admins set it, within the limits; org admins set it freely (the limits still apply). */
  async setPolicy(actor: Principal, team: string, policy: Policy): Promise<TeamView> {
    const current = await visibleTeam(this.context, actor, team);
    requireTeamAdmin(actor, current.id, current.name, "setting a team's policy");
    if (!isOrgAdmin(actor)) {
      const looser = loosenings(current.limits, policy);
      if (looser.length > 0) throw new GatewayError('forbidden', `Forbidden: this policy goes beyond the limits the organization set for team '${current.name}': ${looser.join('; ')}`);
    }
    return this.save(actor, current, { ...current, policy, updatedAt: this.context.clock.now() }, 'team.policy');
  }

  async delete(actor: Principal, team: string): Promise<void> {
    const current = await visibleTeam(this.context, actor, team);
    requireOrgAdmin(actor, 'deleting a team');
    const now = this.context.clock.now();
    await changeWithAudit(this.context, actor, async (store) => {
      // The team's keys (its service accounts', and people's keys acting for it) stop with it.
      const accounts = new Set((await store.serviceAccounts.list(actor.orgId, current.id)).map((account) => account.id));
      for (const key of await store.apiKeys.list(actor.orgId)) {
        if (key.revokedAt === null && (key.teamId === current.id || (key.serviceAccountId !== null && accounts.has(key.serviceAccountId)))) await store.apiKeys.revoke(key.id, now);
      }
      await store.teams.delete(current.id);
      return { result: undefined, audit: { action: 'team.delete', targetType: 'team', targetId: current.id, targetName: current.name, teamId: current.id, before: toView(current), after: null } };
    });
  }

  async members(actor: Principal, team: string): Promise<MemberView[]> {
    const current = await visibleTeam(this.context, actor, team);
    const members: MemberView[] = [];
    for (const membership of await this.context.store.memberships.listByTeam(current.id)) {
      const user = await this.context.store.users.findById(membership.userId);
      if (user !== undefined) members.push({ userId: user.id, name: user.name, email: user.email, role: membership.role });
    }
    return members;
  }

  async putMember(actor: Principal, team: string, input: { user: string; role: TeamRole }): Promise<MemberView> {
    const current = await visibleTeam(this.context, actor, team);
    requireTeamAdmin(actor, current.id, current.name, "managing a team's members");
    const user = await findUser(this.context, actor, input.user);
    const before = (await this.context.store.memberships.listByTeam(current.id)).find((membership) => membership.userId === user.id);
    const view: MemberView = { userId: user.id, name: user.name, email: user.email, role: input.role };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.memberships.put({ teamId: current.id, userId: user.id, role: input.role, createdAt: this.context.clock.now() });
      return {
        result: view,
        audit: { action: 'team.member.put', targetType: 'team-member', targetId: `${current.id}/${user.id}`, targetName: `${current.name}/${user.email}`, teamId: current.id, before: before === undefined ? null : { role: before.role }, after: { role: input.role } },
      };
    });
  }

  async removeMember(actor: Principal, team: string, userRef: string): Promise<void> {
    const current = await visibleTeam(this.context, actor, team);
    requireTeamAdmin(actor, current.id, current.name, "managing a team's members");
    const user = await findUser(this.context, actor, userRef);
    await changeWithAudit(this.context, actor, async (store) => {
      if (!(await store.memberships.remove(current.id, user.id))) throw new GatewayError('not_found', `${user.email} is not a member of team '${current.name}'`);
      return { result: undefined, audit: { action: 'team.member.remove', targetType: 'team-member', targetId: `${current.id}/${user.id}`, targetName: `${current.name}/${user.email}`, teamId: current.id, before: { member: true }, after: null } };
    });
  }

  private save(actor: Principal, before: TeamRecord, after: TeamRecord, action: string): Promise<TeamView> {
    return changeWithAudit(this.context, actor, async (store) => {
      await store.teams.update(after);
      return { result: toView(after), audit: { action, targetType: 'team', targetId: after.id, targetName: after.name, teamId: after.id, before: toView(before), after: toView(after) } };
    });
  }
}

export function toView(record: TeamRecord): TeamView {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    limits: record.limits,
    policy: record.policy,
    effectivePolicy: narrowPolicy(record.limits, record.policy),
    createdAt: iso(record.createdAt) ?? '',
    updatedAt: iso(record.updatedAt) ?? '',
  };
}
