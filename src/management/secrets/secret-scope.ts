import { GatewayError } from '../../canonical/gateway-error.js';
import { isOrgAdmin, requireOrgAdmin, requireTeamAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { OwnerScope } from '../../store/agent-records.js';
import type { Store } from '../../store/store.js';
import { canWrite } from '../agents/agent-scope.js';
import { findUser, visibleTeam, type GovernanceContext } from '../governance/context.js';

/**
 * Reads `org`, `team:<team>`, `user` (the caller) or `user:<email or id>` into the scope of a secret
 * the actor may change: owners and admins any; a team admin their team's; a person their own.
 */
export async function secretScope(context: GovernanceContext, actor: Principal, text: string): Promise<OwnerScope> {
  if (text === 'org') {
    requireOrgAdmin(actor, 'changing organization secrets');
    return { kind: 'org' };
  }
  if (text === 'user') {
    if (actor.identity.kind !== 'user') throw new GatewayError('invalid_request', "Scope 'user' needs a key that belongs to a person; use user:<email> as an admin", { param: 'scope' });
    return { kind: 'user', userId: actor.identity.id };
  }
  if (text.startsWith('user:')) {
    const user = await findUser(context, actor, text.slice(5));
    const self = actor.identity.kind === 'user' && actor.identity.id === user.id;
    if (!self) requireOrgAdmin(actor, "changing another person's secrets");
    return { kind: 'user', userId: user.id };
  }
  if (text.startsWith('team:')) {
    const team = await visibleTeam(context, actor, text.slice(5));
    requireTeamAdmin(actor, team.id, team.name, "changing a team's secrets");
    return { kind: 'team', teamId: team.id };
  }
  throw new GatewayError('invalid_request', `Scope must be 'org', 'team:<team>', 'user' or 'user:<email>'; got '${text}'`, { param: 'scope' });
}

/** Secrets are visible (by name) to whoever may change them. */
export function maySeeSecret(actor: Principal, scope: OwnerScope): boolean {
  return isOrgAdmin(actor) || canWrite(actor, scope);
}

/** `org`, `team:<name>`, `user:<email>`: how listings and audit records name a scope. */
export async function readableScope(store: Store, scope: OwnerScope): Promise<string> {
  switch (scope.kind) {
    case 'org':
      return 'org';
    case 'team':
      return `team:${(await store.teams.findById(scope.teamId))?.name ?? scope.teamId}`;
    case 'user':
      return `user:${(await store.users.findById(scope.userId))?.email ?? scope.userId}`;
  }
}
