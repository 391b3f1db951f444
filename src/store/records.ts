import type { Policy } from '../governance/policy.js';
import type { ServiceClass } from '../governance/principal.js';

/**
 * The stored aggregates, as the rest of the program sees them. Repositories translate to and from
 * rows; nothing outside `store/` sees a row.
 */
export type Role = 'owner' | 'admin' | 'member' | 'service';

export interface OrganizationRecord {
  id: string;
  name: string;
  createdAt: number;
  settings: OrganizationSettings;
}

/** Organization-wide settings the owners and admins change through the admin API. */
export interface OrganizationSettings {
  /** Request records, stored bodies and configuration changes older than this are deleted. */
  retentionDays?: number;
  /**
   * Internal targets (loopback, private, link-local ranges) that MCP servers and callbacks may be
   * reached at anyway: host names, addresses or CIDR ranges.
   */
  outboundAllowList?: string[];
}

export interface ApiKeyRecord {
  id: string;
  orgId: string;
  name: string;
  /** The first characters of the key, shown in listings so people can tell keys apart. */
  displayPrefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  hash: string;
  role: Role;
  serviceClass: ServiceClass;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** The person the key belongs to (exclusive with `serviceAccountId`); null for keys made before governance. */
  userId: string | null;
  serviceAccountId: string | null;
  /** The team the key acts for: its policy, limits and budget apply. */
  teamId: string | null;
  /** Narrows the team's policy for this key only. */
  policy: Policy | null;
  lastUsedAt: number | null;
  /** Made by start-up (generated on first start, or AUXOT_ADMIN_KEY): to be replaced by personal keys before going live. */
  bootstrap: boolean;
}

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible' | 'gpu-worker' | 'cli-worker';
export type ProviderTier = 'gpu' | 'cli' | 'cloud';

export interface ProviderSettings {
  /** Most requests in flight at once; undefined means no cap. */
  maxConcurrency?: number;
  /** Time allowed until the upstream's response headers (and, streaming, its first event). */
  firstByteTimeoutMs?: number;
  /** Longest silence allowed between two upstream chunks. */
  idleTimeoutMs?: number;
  /** Output limit sent when the caller gave none and the upstream requires one (Anthropic). */
  defaultMaxOutputTokens?: number;
  /** Prices by model name or `*` pattern, winning over the public price dataset (and the only prices of GPU tiers). */
  prices?: Record<string, ModelPrice>;
}

/** USD per million tokens. Cache reads and writes default to the input price. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
}

export interface ProviderRecord {
  id: string;
  orgId: string;
  name: string;
  kind: ProviderKind;
  tier: ProviderTier;
  /** Absent for worker providers: their workers dial in. */
  baseUrl: string | null;
  /** Model names or `*` patterns the provider serves, in preference order. */
  models: string[];
  /** The encrypted API key; never leaves the server. */
  sealedApiKey: string | null;
  settings: ProviderSettings;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface RouteCandidate {
  provider: string;
  model: string;
}

export interface RouteRecord {
  id: string;
  orgId: string;
  /** The model name callers use: `auto`, `coding`, `gpt-4.1`, ... */
  name: string;
  candidates: RouteCandidate[];
  createdAt: number;
  updatedAt: number;
}

export interface WorkerKeyRecord {
  id: string;
  providerId: string;
  name: string;
  displayPrefix: string;
  hash: string;
  createdAt: number;
  revokedAt: number | null;
}

/** One caller request, as kept for audit and usage accounting. */
export interface RequestLogRecord {
  id: string;
  orgId: string | null;
  keyId: string | null;
  surface: string;
  modelRequested: string | null;
  route: string | null;
  providerId: string | null;
  providerModel: string | null;
  tier: ProviderTier | null;
  workerId: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  finishReason: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  startedAt: number;
  queueMs: number | null;
  firstByteMs: number | null;
  totalMs: number;
  clientAborted: boolean;
  /** Every candidate considered, in order, with what happened to it. */
  decision: RoutingDecisionEntry[];
  teamId: string | null;
  userId: string | null;
  serviceAccountId: string | null;
  /** The agent that made the request (agents make model calls on a caller's behalf). */
  agentId: string | null;
  /** Which policy rules admitted or refused the request. */
  policyDecisions: PolicyDecision[];
}

/** One rule checked at admission: `requestsPerMinute` for team `eng` admitted (49 left), … */
export interface PolicyDecision {
  rule: string;
  /** `team:<id>` or `key:<id>`. */
  scope: string;
  outcome: 'admitted' | 'refused' | 'applied';
  detail?: string;
}

export interface RoutingDecisionEntry {
  provider: string;
  model: string;
  tier: ProviderTier;
  outcome: 'used' | 'failed' | 'skipped';
  reason?: string;
}

/**
 * A Responses API answer Auxot keeps so a later request can continue from it
 * (`previous_response_id`) or read it back (`GET /v1/responses/{id}`). Owned by one API key.
 */
export interface StoredResponseRecord {
  /** The id the caller received (`resp_…`). */
  id: string;
  orgId: string;
  keyId: string;
  model: string;
  createdAt: number;
  /** The input items the answer was given, earlier turns included. */
  input: unknown[];
  /** The Response object exactly as the caller received it (its `output` continues the conversation). */
  response: Record<string, unknown>;
}
