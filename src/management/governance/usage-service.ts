import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { quantileOf } from '../../governance/duration-buckets.js';
import type { Principal } from '../../governance/principal.js';
import type { UsageDimension, UsageQuery } from '../../store/governance-repositories.js';
import { visibleTeam, type GovernanceContext } from './context.js';
import { readScope } from './scope.js';

const DIMENSIONS = ['team', 'user', 'serviceAccount', 'key', 'provider', 'model', 'day'] as const satisfies readonly UsageDimension[];
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

export const usageInput = z
  .object({
    groupBy: z
      .union([z.array(z.enum(DIMENSIONS)), z.string().transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''))])
      .pipe(z.array(z.enum(DIMENSIONS)))
      .default(['team'])
      .describe('dimensions to group by: team, user, serviceAccount, key, provider, model, day'),
    since: day.optional().describe('first UTC day, inclusive'),
    until: day.optional().describe('last UTC day, inclusive'),
    team: z.string().min(1).optional(),
    user: z.string().min(1).optional().describe('a person (email or id)'),
    key: z.string().min(1).optional().describe('a key id'),
    provider: z.string().min(1).optional().describe('a provider name or id'),
    model: z.string().min(1).optional(),
  })
  .strict();

export interface UsageRowView {
  team?: string;
  user?: string;
  serviceAccount?: string;
  key?: string;
  provider?: string;
  model?: string;
  day?: string;
  requests: number;
  errors: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
  costUsd: number;
  /** From duration histograms: within one bucket (at most 25 %) of the exact value. */
  durationMs: { p50: number | null; p95: number | null };
}

/** Usage roll-ups by team, person, key, provider, model and day, within what the caller may read. */
export class UsageService {
  constructor(
    private readonly context: GovernanceContext,
    private readonly providerIdOf: (orgId: string, nameOrId: string) => Promise<string>,
    /** Writes queued request records (and their roll-ups), so usage includes the latest requests. */
    private readonly flushRequests: () => Promise<void>,
  ) {}

  async query(actor: Principal, input: z.output<typeof usageInput>): Promise<UsageRowView[]> {
    await this.flushRequests();
    const { store } = this.context;
    const query: UsageQuery = { orgId: actor.orgId, groupBy: input.groupBy };
    if (input.since !== undefined) query.sinceDay = input.since;
    if (input.until !== undefined) query.untilDay = input.until;
    if (input.team !== undefined) query.teamIds = [(await visibleTeam(this.context, actor, input.team)).id];
    if (input.user !== undefined) {
      const user = (await store.users.findByEmail(actor.orgId, input.user)) ?? (await store.users.findById(input.user));
      query.userId = user?.id ?? '\u0000';
    }
    if (input.key !== undefined) query.keyIds = [input.key];
    if (input.provider !== undefined) query.providerId = await this.providerIdOf(actor.orgId, input.provider).catch(() => '\u0000');
    if (input.model !== undefined) query.model = input.model;
    const scope = readScope(actor);
    if (scope.kind === 'teams') {
      query.teamIds = (query.teamIds ?? scope.teamIds).filter((id) => scope.teamIds.includes(id));
    } else if (scope.kind === 'own') {
      if (scope.userId !== undefined) query.userId = scope.userId;
      else query.keyIds = [scope.keyId];
    }
    const names = new Names(this.context, actor.orgId);
    const rows = await store.usage.query(query);
    const views: UsageRowView[] = [];
    for (const row of rows) {
      const view: UsageRowView = {
        requests: row.requests,
        errors: row.errors,
        tokens: { input: row.inputTokens, output: row.outputTokens, cacheRead: row.cacheReadTokens, cacheWrite: row.cacheWriteTokens, reasoning: row.reasoningTokens },
        costUsd: Math.round(row.costUsd * 1e6) / 1e6,
        durationMs: { p50: round(quantileOf(row.durationBuckets, 0.5)), p95: round(quantileOf(row.durationBuckets, 0.95)) },
      };
      for (const dimension of input.groupBy) view[dimension] = await names.of(dimension, row);
      views.push(view);
    }
    return views.sort((a, b) => (b.day ?? '').localeCompare(a.day ?? '') || b.requests - a.requests);
  }

  static dimensions(): readonly string[] {
    return DIMENSIONS;
  }
}

function round(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 10) / 10;
}

/** Readable names for the ids in roll-ups, looked up once each. */
class Names {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly context: GovernanceContext,
    private readonly orgId: string,
  ) {}

  async of(dimension: UsageDimension, row: { day: string; teamId: string; userId: string; serviceAccountId: string; keyId: string; providerId: string; model: string }): Promise<string> {
    const { store } = this.context;
    const lookup = async (id: string, find: () => Promise<string | undefined>): Promise<string> => {
      if (id === '') return '(none)';
      const cached = this.cache.get(id);
      if (cached !== undefined) return cached;
      const name = (await find()) ?? id;
      this.cache.set(id, name);
      return name;
    };
    switch (dimension) {
      case 'day':
        return row.day;
      case 'model':
        return row.model === '' ? '(none)' : row.model;
      case 'team':
        return lookup(row.teamId, async () => (await store.teams.findById(row.teamId))?.name);
      case 'user':
        return lookup(row.userId, async () => (await store.users.findById(row.userId))?.email);
      case 'serviceAccount':
        return lookup(row.serviceAccountId, async () => (await store.serviceAccounts.findById(row.serviceAccountId))?.name);
      case 'key':
        return lookup(row.keyId, async () => (await store.apiKeys.findById(row.keyId))?.name);
      case 'provider':
        return lookup(row.providerId, async () => (await store.providers.findById(row.providerId))?.name);
      default:
        throw new GatewayError('invalid_request', `Unknown dimension ${String(dimension satisfies never)}`);
    }
  }
}
