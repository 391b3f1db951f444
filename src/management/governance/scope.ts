import { isOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';

/**
 * The part of usage and request records an actor may read: owners and admins everything; a team
 * admin their teams'; anyone else their own (a person's requests, or a key's when it belongs to nobody).
 */
export type ReadScope = { kind: 'all' } | { kind: 'teams'; teamIds: string[]; userId: string | undefined } | { kind: 'own'; userId: string | undefined; keyId: string };

export function readScope(actor: Principal): ReadScope {
  if (isOrgAdmin(actor)) return { kind: 'all' };
  const userId = actor.identity.kind === 'user' ? actor.identity.id : undefined;
  if (actor.teamAdminOf.size > 0) return { kind: 'teams', teamIds: [...actor.teamAdminOf], userId };
  return { kind: 'own', userId, keyId: actor.keyId };
}
