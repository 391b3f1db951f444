import { GatewayError } from '../../canonical/gateway-error.js';
import { canManageTeam, canSeeTeam, isOrgAdmin, requireTeamAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { ServiceAccountRecord } from '../../store/governance-records.js';
import { changeWithAudit, iso, visibleTeam, type GovernanceContext } from './context.js';

export interface ServiceAccountView {
  id: string;
  name: string;
  team: string;
  description: string;
  createdAt: string;
  disabledAt: string | null;
}

/** A team's non-human identities: services, pipelines and bots that call models with keys of their own. */
export class ServiceAccountService {
  constructor(private readonly context: GovernanceContext) {}

  async list(actor: Principal, team?: string): Promise<ServiceAccountView[]> {
    const teamId = team === undefined ? undefined : (await visibleTeam(this.context, actor, team)).id;
    const accounts = await this.context.store.serviceAccounts.list(actor.orgId, teamId);
    const views: ServiceAccountView[] = [];
    for (const account of accounts) if (isOrgAdmin(actor) || canSeeTeam(actor, account.teamId)) views.push(await this.view(account));
    return views;
  }

  async create(actor: Principal, input: { team: string; name: string; description?: string | undefined }): Promise<ServiceAccountView> {
    const team = await visibleTeam(this.context, actor, input.team);
    requireTeamAdmin(actor, team.id, team.name, 'adding a service account');
    if ((await this.context.store.serviceAccounts.findByName(team.id, input.name)) !== undefined) {
      throw new GatewayError('invalid_request', `Team '${team.name}' already has a service account named '${input.name}'`, { param: 'name' });
    }
    const record: ServiceAccountRecord = {
      id: this.context.newId('sa_'),
      orgId: actor.orgId,
      teamId: team.id,
      name: input.name,
      description: input.description ?? '',
      createdAt: this.context.clock.now(),
      disabledAt: null,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.serviceAccounts.insert(record);
      const view = await this.view(record);
      return { result: view, audit: { action: 'service-account.create', targetType: 'service-account', targetId: record.id, targetName: record.name, teamId: team.id, before: null, after: view } };
    });
  }

  async update(actor: Principal, account: string, input: { description?: string | undefined; disabled?: boolean | undefined }): Promise<ServiceAccountView> {
    const current = await this.find(actor, account);
    const now = this.context.clock.now();
    const next: ServiceAccountRecord = {
      ...current,
      description: input.description ?? current.description,
      disabledAt: input.disabled === undefined ? current.disabledAt : input.disabled ? (current.disabledAt ?? now) : null,
    };
    return changeWithAudit(this.context, actor, async (store) => {
      await store.serviceAccounts.update(next);
      return {
        result: await this.view(next),
        audit: { action: 'service-account.update', targetType: 'service-account', targetId: next.id, targetName: next.name, teamId: next.teamId, before: await this.view(current), after: await this.view(next) },
      };
    });
  }

  /** Removes a service account; its keys are revoked with it. */
  async delete(actor: Principal, account: string): Promise<void> {
    const current = await this.find(actor, account);
    const before = await this.view(current);
    const now = this.context.clock.now();
    await changeWithAudit(this.context, actor, async (store) => {
      for (const key of await store.apiKeys.list(actor.orgId)) if (key.serviceAccountId === current.id && key.revokedAt === null) await store.apiKeys.revoke(key.id, now);
      await store.serviceAccounts.delete(current.id);
      return { result: undefined, audit: { action: 'service-account.delete', targetType: 'service-account', targetId: current.id, targetName: current.name, teamId: current.teamId, before, after: null } };
    });
  }

  /** A service account the actor may manage, by id (or `team/name`). */
  async find(actor: Principal, reference: string): Promise<ServiceAccountRecord> {
    let account = await this.context.store.serviceAccounts.findById(reference);
    const slash = reference.indexOf('/');
    if (account === undefined && slash > 0) {
      const team = await this.context.store.teams.findByName(actor.orgId, reference.slice(0, slash));
      if (team !== undefined) account = await this.context.store.serviceAccounts.findByName(team.id, reference.slice(slash + 1));
    }
    if (account === undefined || account.orgId !== actor.orgId || !canSeeTeam(actor, account.teamId)) throw new GatewayError('not_found', `No service account '${reference}'`);
    if (!canManageTeam(actor, account.teamId)) throw new GatewayError('forbidden', "Forbidden: managing a service account needs the team admin role in its team (or the organization's admin role)");
    return account;
  }

  private async view(record: ServiceAccountRecord): Promise<ServiceAccountView> {
    const team = await this.context.store.teams.findById(record.teamId);
    return { id: record.id, name: record.name, team: team?.name ?? record.teamId, description: record.description, createdAt: iso(record.createdAt) ?? '', disabledAt: iso(record.disabledAt) };
  }
}
