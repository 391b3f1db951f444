import { GatewayError } from '../../canonical/gateway-error.js';
import { isOrgAdmin, requireOrgAdmin, requireTeamAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { OwnerScope } from '../../store/agent-records.js';
import { visibleTeam, type GovernanceContext } from '../governance/context.js';

/** Reads `org`, `team:<name or id>` or `user` (the caller) into an owner scope the actor may write to. */
export async function writableScope(context: GovernanceContext, actor: Principal, text: string): Promise<OwnerScope> {
  if (text === 'org') {
    requireOrgAdmin(actor, 'changing organization-wide agents, skills and context files');
    return { kind: 'org' };
  }
  if (text === 'user') {
    if (actor.identity.kind !== 'user') throw new GatewayError('invalid_request', "Scope 'user' needs a key that belongs to a person", { param: 'scope' });
    return { kind: 'user', userId: actor.identity.id };
  }
  if (text.startsWith('team:')) {
    const team = await visibleTeam(context, actor, text.slice(5));
    requireTeamAdmin(actor, team.id, team.name, "changing a team's agents, skills and context files");
    return { kind: 'team', teamId: team.id };
  }
  throw new GatewayError('invalid_request', `Scope must be 'org', 'team:<team>' or 'user'; got '${text}'`, { param: 'scope' });
}

/** Whether the actor may read (and attach) something of this scope. */
export function canRead(actor: Principal, scope: OwnerScope): boolean {
  if (isOrgAdmin(actor)) return true;
  switch (scope.kind) {
    case 'org':
      return true;
    case 'team':
      return actor.memberOf.has(scope.teamId) || actor.teamAdminOf.has(scope.teamId) || actor.teamId === scope.teamId;
    case 'user':
      return actor.identity.kind === 'user' && actor.identity.id === scope.userId;
  }
}

/** Whether the actor may change something of this scope. */
export function canWrite(actor: Principal, scope: OwnerScope): boolean {
  if (isOrgAdmin(actor)) return true;
  switch (scope.kind) {
    case 'org':
      return false;
    case 'team':
      return actor.teamAdminOf.has(scope.teamId);
    case 'user':
      return actor.identity.kind === 'user' && actor.identity.id === scope.userId;
  }
}

export function scopeLabel(scope: OwnerScope, teamName?: string): string {
  switch (scope.kind) {
    case 'org':
      return 'org';
    case 'team':
      return `team:${teamName ?? scope.teamId}`;
    case 'user':
      return `user:${scope.userId}`;
  }
}
