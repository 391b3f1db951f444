import { GatewayError } from '../canonical/gateway-error.js';
import type { Principal } from './principal.js';

/**
 * Who may do what. Owners and admins manage everything; a team admin manages their team's members,
 * keys, service accounts and policy (within the limits the organization set); a member may list
 * and create their own keys and read their own usage. A forbidden call names the permission
 * missing; another team's resource is "not found" (its existence is not revealed).
 */
export function isOrgAdmin(actor: Principal): boolean {
  return actor.role === 'owner' || actor.role === 'admin';
}

export function requireOrgAdmin(actor: Principal, action: string): void {
  if (!isOrgAdmin(actor)) throw new GatewayError('forbidden', `Forbidden: ${action} needs the organization's owner or admin role`);
}

export function requireOwner(actor: Principal, action: string): void {
  if (actor.role !== 'owner') throw new GatewayError('forbidden', `Forbidden: ${action} needs the organization's owner role`);
}

/** True when the actor may see the team at all (an org admin, or one of its members). */
export function canSeeTeam(actor: Principal, teamId: string): boolean {
  return isOrgAdmin(actor) || actor.memberOf.has(teamId) || actor.teamAdminOf.has(teamId);
}

export function canManageTeam(actor: Principal, teamId: string): boolean {
  return isOrgAdmin(actor) || actor.teamAdminOf.has(teamId);
}

/** Throws not_found for a team the actor may not see, forbidden for one it may see but not manage. */
export function requireTeamAdmin(actor: Principal, teamId: string, teamName: string, action: string): void {
  if (!canSeeTeam(actor, teamId)) throw teamNotFound(teamName);
  if (!canManageTeam(actor, teamId)) throw new GatewayError('forbidden', `Forbidden: ${action} needs the team admin role in team '${teamName}' (or the organization's admin role)`);
}

export function teamNotFound(team: string): GatewayError {
  return new GatewayError('not_found', `No team '${team}'`);
}

/** The teams whose data the actor may read (undefined: all of them). */
export function visibleTeams(actor: Principal): string[] | undefined {
  if (isOrgAdmin(actor)) return undefined;
  return [...new Set([...actor.teamAdminOf])];
}
