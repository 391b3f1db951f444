import type {
  ConfigChangeRecord,
  ServiceAccountRecord,
  TeamMembershipRecord,
  TeamRecord,
  UsageRollupRecord,
  UserRecord,
} from './governance-records.js';

export interface TeamRepository {
  insert(record: TeamRecord): Promise<void>;
  update(record: TeamRecord): Promise<void>;
  findById(id: string): Promise<TeamRecord | undefined>;
  findByName(orgId: string, name: string): Promise<TeamRecord | undefined>;
  list(orgId: string): Promise<TeamRecord[]>;
  /** Removes the team, its memberships and service accounts. */
  delete(id: string): Promise<boolean>;
}

export interface UserRepository {
  insert(record: UserRecord): Promise<void>;
  update(record: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByEmail(orgId: string, email: string): Promise<UserRecord | undefined>;
  list(orgId: string): Promise<UserRecord[]>;
  /** Removes the person and their memberships (their keys are the caller's to revoke first). */
  delete(id: string): Promise<boolean>;
}

export interface MembershipRepository {
  /** Adds the person to the team, or changes their role there. */
  put(record: TeamMembershipRecord): Promise<void>;
  remove(teamId: string, userId: string): Promise<boolean>;
  listByTeam(teamId: string): Promise<TeamMembershipRecord[]>;
  listByUser(userId: string): Promise<TeamMembershipRecord[]>;
}

export interface ServiceAccountRepository {
  insert(record: ServiceAccountRecord): Promise<void>;
  update(record: ServiceAccountRecord): Promise<void>;
  findById(id: string): Promise<ServiceAccountRecord | undefined>;
  findByName(teamId: string, name: string): Promise<ServiceAccountRecord | undefined>;
  list(orgId: string, teamId?: string): Promise<ServiceAccountRecord[]>;
  delete(id: string): Promise<boolean>;
}

export interface ConfigChangeQuery {
  orgId: string;
  limit: number;
  /** Only records older than this one (newest first). */
  before?: string;
  since?: number;
  until?: number;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  /** Changes to these teams or to things that belong to them. */
  teamIds?: string[];
}

export interface ConfigChangeRepository {
  insert(record: ConfigChangeRecord): Promise<void>;
  list(query: ConfigChangeQuery): Promise<ConfigChangeRecord[]>;
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
}

export type UsageDimension = 'team' | 'user' | 'serviceAccount' | 'key' | 'provider' | 'model' | 'day';

export interface UsageQuery {
  orgId: string;
  groupBy: UsageDimension[];
  /** UTC days, inclusive. */
  sinceDay?: string;
  untilDay?: string;
  teamIds?: string[];
  userId?: string;
  keyIds?: string[];
  providerId?: string;
  model?: string;
}

/** The roll-up's dimensions that were grouped by keep their value; the others are empty. */
export type UsageRow = UsageRollupRecord;

export interface UsageRepository {
  /** Adds these totals to the stored ones (same day and dimensions), creating rows as needed. */
  add(rollups: UsageRollupRecord[]): Promise<void>;
  query(query: UsageQuery): Promise<UsageRow[]>;
  deleteOlderThan(cutoffDay: string): Promise<number>;
}

export interface RequestBodyRecord {
  requestId: string;
  orgId: string;
  startedAt: number;
  request: string;
  response: string;
}

export interface RequestBodyRepository {
  insertMany(records: RequestBodyRecord[]): Promise<void>;
  find(orgId: string, requestId: string): Promise<RequestBodyRecord | undefined>;
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
}
