import type {
  ApiKeyRecord,
  OrganizationRecord,
  ProviderRecord,
  RequestLogRecord,
  RouteRecord,
  StoredResponseRecord,
  WorkerKeyRecord,
} from './records.js';
import type {
  ConfigChangeRepository,
  MembershipRepository,
  RequestBodyRepository,
  ServiceAccountRepository,
  TeamRepository,
  UsageRepository,
  UserRepository,
} from './governance-repositories.js';
import type { AgentStore } from './agent-repositories.js';
import type { AdminConversationRepository } from './admin-conversation-records.js';
import type { McpConnectionRepository, SecretRepository } from './secret-repositories.js';

/**
 * Persistence behind one interface per aggregate. The embedded SQLite implementation is the
 * default; a PostgreSQL one joins it for scaled deployments and must pass the same contract suite.
 */
export interface Store {
  readonly organizations: OrganizationRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly providers: ProviderRepository;
  readonly routes: RouteRepository;
  readonly workerKeys: WorkerKeyRepository;
  readonly requestLog: RequestLogRepository;
  readonly responses: StoredResponseRepository;
  readonly teams: TeamRepository;
  readonly users: UserRepository;
  readonly memberships: MembershipRepository;
  readonly serviceAccounts: ServiceAccountRepository;
  readonly configChanges: ConfigChangeRepository;
  readonly usage: UsageRepository;
  readonly requestBodies: RequestBodyRepository;
  /** Agents, skills, context files and agent runs. */
  readonly agentStore: AgentStore;
  /** Named credentials, sealed with the master key. */
  readonly secrets: SecretRepository;
  /** MCP servers agents can attach, with their tool approvals. */
  readonly mcpConnections: McpConnectionRepository;
  /** The Admin Agent's conversations, kept per person. */
  readonly adminConversations: AdminConversationRepository;
  /** Runs `work` in one transaction: a change and its audit record are written together or not at all. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /** Whether the store answers and is migrated to this version's schema (for `/readyz`). */
  readiness(): Promise<StoreReadiness>;
  close(): Promise<void>;
}

export type StoreReadiness = { ready: true } | { ready: false; reason: string };

export interface OrganizationRepository {
  first(): Promise<OrganizationRecord | undefined>;
  insert(record: OrganizationRecord): Promise<void>;
  update(record: OrganizationRecord): Promise<void>;
}

export interface ApiKeyRepository {
  insert(record: ApiKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  list(orgId: string): Promise<ApiKeyRecord[]>;
  update(record: ApiKeyRecord): Promise<void>;
  revoke(id: string, at: number): Promise<boolean>;
  /** Records when keys were last used (batched by the caller; a few seconds of precision is plenty). */
  touch(uses: ReadonlyArray<{ id: string; at: number }>): Promise<void>;
}

export interface ProviderRepository {
  insert(record: ProviderRecord): Promise<void>;
  update(record: ProviderRecord): Promise<void>;
  findById(id: string): Promise<ProviderRecord | undefined>;
  findByName(orgId: string, name: string): Promise<ProviderRecord | undefined>;
  list(orgId: string): Promise<ProviderRecord[]>;
  delete(id: string): Promise<boolean>;
}

export interface RouteRepository {
  upsert(record: RouteRecord): Promise<void>;
  findByName(orgId: string, name: string): Promise<RouteRecord | undefined>;
  list(orgId: string): Promise<RouteRecord[]>;
  delete(orgId: string, name: string): Promise<boolean>;
}

export interface WorkerKeyRepository {
  insert(record: WorkerKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<WorkerKeyRecord | undefined>;
  list(providerId?: string): Promise<WorkerKeyRecord[]>;
  revoke(id: string, at: number): Promise<boolean>;
}

export interface RequestLogQuery {
  orgId: string;
  limit: number;
  /** Only records older than this id's record (pagination, newest first). */
  before?: string;
  filter?: RequestLogFilter;
}

/** Narrows a listing; every field given must match. */
export interface RequestLogFilter {
  /** An exact status, or a range such as 400–599 for errors. */
  status?: { min: number; max: number };
  providerId?: string;
  /** The route (or model name) the caller asked for. */
  route?: string;
  keyIds?: string[];
  workerIds?: string[];
  /** Started at or after this time (ms since the epoch). */
  since?: number;
  /** Started before this time. */
  until?: number;
  teamIds?: string[];
  userId?: string;
  serviceAccountId?: string;
  model?: string;
}

export interface RequestLogRepository {
  insertMany(records: RequestLogRecord[]): Promise<void>;
  findById(orgId: string, id: string): Promise<RequestLogRecord | undefined>;
  list(query: RequestLogQuery): Promise<RequestLogRecord[]>;
  /** Deletes up to `limit` records started before `cutoff`; returns how many went. */
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
  /** Money spent since `since` per team and per key (what budgets start from after a restart). */
  spendSince(orgId: string, since: number): Promise<Array<{ teamId: string | null; keyId: string | null; costUsd: number }>>;
}

export interface StoredResponseRepository {
  insert(record: StoredResponseRecord): Promise<void>;
  /** Only the key that created a response can read it. */
  findById(keyId: string, id: string): Promise<StoredResponseRecord | undefined>;
  delete(keyId: string, id: string): Promise<boolean>;
  /** Retention: drops the key's responses beyond the newest `keep`, and any created before `createdBefore`. */
  prune(keyId: string, keep: number, createdBefore: number): Promise<number>;
}
