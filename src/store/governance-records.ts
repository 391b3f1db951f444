import type { Policy } from '../governance/policy.js';

/** A person's role in the organization. */
export type OrgRole = 'owner' | 'admin' | 'member';
/** A person's role in one team. */
export type TeamRole = 'team_admin' | 'member';

export interface TeamRecord {
  id: string;
  orgId: string;
  /** Unique in the organization; what people type (`auxot teams show eng`). */
  name: string;
  description: string;
  /** The ceiling the organization's owners and admins set; the team's own policy must stay within it. */
  limits: Policy;
  /** The team's policy, set by its team admins (or org admins), within `limits`. */
  policy: Policy;
  createdAt: number;
  updatedAt: number;
}

export interface UserRecord {
  id: string;
  orgId: string;
  name: string;
  /** Unique in the organization (lower-cased). */
  email: string;
  role: OrgRole;
  createdAt: number;
  updatedAt: number;
  /** Set when the person left: their keys stop working. */
  disabledAt: number | null;
}

export interface TeamMembershipRecord {
  teamId: string;
  userId: string;
  role: TeamRole;
  createdAt: number;
}

/** A team's non-human identity (a service, a pipeline, a bot). */
export interface ServiceAccountRecord {
  id: string;
  orgId: string;
  teamId: string;
  /** Unique in its team. */
  name: string;
  description: string;
  createdAt: number;
  disabledAt: number | null;
}

/** Who made a configuration change: a person or service account (through a key), the deployment itself, or the Admin Agent on a person's behalf. */
export type ActorKind = 'user' | 'service-account' | 'key' | 'system' | 'admin-agent';

/** One configuration change, as the audit trail keeps it. Secret values never appear in `before` / `after`. */
export interface ConfigChangeRecord {
  id: string;
  orgId: string;
  at: number;
  actorKind: ActorKind;
  /** The user, service account or key that acted; null for the system. */
  actorId: string | null;
  actorName: string;
  /** The key the change was made with, when one was. */
  keyId: string | null;
  /** For the Admin Agent: the person it acted for. */
  onBehalfOf: string | null;
  /** `team.create`, `policy.update`, `key.revoke`, `provider.update`, … */
  action: string;
  targetType: string;
  targetId: string;
  targetName: string;
  /** The team the change concerns (the team itself, or its member, key, service account, policy), if any. */
  teamId: string | null;
  before: unknown;
  after: unknown;
}

/** Totals for one day and one combination of who and where: what usage roll-ups are summed from. */
export interface UsageRollupRecord {
  orgId: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  teamId: string;
  userId: string;
  serviceAccountId: string;
  keyId: string;
  providerId: string;
  model: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  /** Request durations counted in fixed buckets (see `DURATION_BUCKETS_MS`), for p50/p95. */
  durationBuckets: number[];
}
