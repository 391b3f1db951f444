import type { OrgRole, TeamRole } from '../store/governance-records.js';
import type { Role } from '../store/records.js';
import type { Policy } from './policy.js';

/** Interactive callers are served before batch callers when capacity is short. */
export type ServiceClass = 'interactive' | 'batch';

/** Who holds the key: a person, a team's service account, or (keys made before governance) nobody in particular. */
export type Identity =
  | { kind: 'user'; id: string; name: string; email: string }
  | { kind: 'service-account'; id: string; name: string }
  | { kind: 'key'; id: string; name: string };

/** The policy rules that apply to one scope, with the id they are counted under. */
export interface ScopedPolicy {
  /** `team:<id>` or `key:<id>`: what limits are counted against. */
  scope: string;
  /** A readable name for messages (`team 'eng'`, `key 'ci'`). */
  label: string;
  policy: Policy;
}

/**
 * Who is calling, as established by authentication: the key, the identity behind it, the team it
 * acts for, and the rules that apply. Travels with every request so that routing, limits and audit
 * can act on it.
 */
export interface Principal {
  orgId: string;
  keyId: string;
  keyName: string;
  identity: Identity;
  /** The identity's role in the organization (`service` for service accounts). */
  role: Role;
  /** The team the key acts for; its policy, limits and budget apply. */
  teamId: string | undefined;
  teamName: string | undefined;
  /** Teams the person administers and belongs to (all of them, not only the acting one). */
  teamAdminOf: ReadonlySet<string>;
  memberOf: ReadonlySet<string>;
  serviceClass: ServiceClass;
  /** The team's policy (its limits narrowed by its own policy), counted per team. */
  teamPolicy: ScopedPolicy | undefined;
  /** The key's override, counted per key. */
  keyPolicy: ScopedPolicy | undefined;
  /** Both together: what routing and per-request rules obey. */
  policy: Policy;
  /**
   * Set when the Admin Agent applies a confirmed plan for this person: the changes are theirs
   * (same rights, same checks) and are audited as made by the Admin Agent on their behalf.
   */
  via?: AdminAgentVia;
}

export interface AdminAgentVia {
  kind: 'admin-agent';
  conversationId: string;
  planId: string;
}

export function canAdminister(principal: Principal): boolean {
  return principal.role === 'owner' || principal.role === 'admin';
}

export function isOrgRole(role: Role): role is OrgRole {
  return role === 'owner' || role === 'admin' || role === 'member';
}

export type { TeamRole };
