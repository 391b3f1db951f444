import { GatewayError } from '../../canonical/gateway-error.js';
import { canSeeTeam, isOrgAdmin, teamNotFound } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { Clock } from '../../platform/clock.js';
import type { TeamRecord, UserRecord } from '../../store/governance-records.js';
import type { Store } from '../../store/store.js';
import type { Actor, AuditTrail, ChangeDescription } from '../audit-trail.js';

/** What the governance services share: the store, the audit trail, and the cache to invalidate on change. */
export interface GovernanceContext {
  store: Store;
  audit: AuditTrail;
  /** Forgets cached principals: any change to people, teams, keys or policies takes effect at once. */
  invalidate(): void;
  clock: Clock;
  newId(prefix: string): string;
}

/** The actor of a call: the caller itself, or the Admin Agent applying a plan the caller confirmed. */
export function callerActor(principal: Principal): Actor {
  return principal.via?.kind === 'admin-agent' ? { kind: 'admin-agent', principal } : { kind: 'caller', principal };
}

/**
 * Runs a change and its audit record in one transaction, then invalidates cached principals.
 * `change` returns the result and the description of what changed.
 */
export async function changeWithAudit<T>(context: GovernanceContext, actor: Principal, change: (store: Store) => Promise<{ result: T; audit: ChangeDescription }>): Promise<T> {
  const result = await context.store.transaction(async (store) => {
    const done = await change(store);
    await context.audit.record(store.configChanges, callerActor(actor), done.audit);
    return done.result;
  });
  context.invalidate();
  return result;
}

/**
 * Makes a change that cannot sit inside a store transaction (it calls out, e.g. a provider's
 * models endpoint), then records it. A failure between the two would leave a change unrecorded;
 * the change's own write is the commit point either way.
 */
export async function changeThenAudit<T>(context: GovernanceContext, actor: Principal, change: () => Promise<{ result: T; audit: ChangeDescription }>): Promise<T> {
  const done = await change();
  await context.store.transaction((store) => context.audit.record(store.configChanges, callerActor(actor), done.audit));
  return done.result;
}

/** A team by name or id that the actor may see; another team is "not found". */
export async function visibleTeam(context: GovernanceContext, actor: Principal, nameOrId: string): Promise<TeamRecord> {
  const team = (await context.store.teams.findByName(actor.orgId, nameOrId)) ?? (await context.store.teams.findById(nameOrId));
  if (team === undefined || team.orgId !== actor.orgId || !canSeeTeam(actor, team.id)) throw teamNotFound(nameOrId);
  return team;
}

/** A person by email or id; people are visible to org admins, to team admins (to add them), and to themselves. */
export async function findUser(context: GovernanceContext, actor: Principal, emailOrId: string): Promise<UserRecord> {
  const user = (await context.store.users.findByEmail(actor.orgId, emailOrId)) ?? (await context.store.users.findById(emailOrId));
  const self = actor.identity.kind === 'user' && user?.id === actor.identity.id;
  if (user === undefined || user.orgId !== actor.orgId || !(self || isOrgAdmin(actor) || actor.teamAdminOf.size > 0)) {
    throw new GatewayError('not_found', `No user '${emailOrId}'`);
  }
  return user;
}

export function iso(value: number | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
