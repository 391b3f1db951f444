import type {
  ApiKeyRecord,
  OrganizationRecord,
  ProviderRecord,
  RequestLogRecord,
  RouteRecord,
  WorkerKeyRecord,
} from './records.js';

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
  /** Whether the store answers and is migrated to this version's schema (for `/readyz`). */
  readiness(): Promise<StoreReadiness>;
  close(): Promise<void>;
}

export type StoreReadiness = { ready: true } | { ready: false; reason: string };

export interface OrganizationRepository {
  first(): Promise<OrganizationRecord | undefined>;
  insert(record: OrganizationRecord): Promise<void>;
}

export interface ApiKeyRepository {
  insert(record: ApiKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  list(orgId: string): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: number): Promise<boolean>;
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
}

export interface RequestLogRepository {
  insertMany(records: RequestLogRecord[]): Promise<void>;
  findById(orgId: string, id: string): Promise<RequestLogRecord | undefined>;
  list(query: RequestLogQuery): Promise<RequestLogRecord[]>;
}
