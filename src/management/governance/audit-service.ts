import { z } from 'zod';
import { GatewayError } from '../../canonical/gateway-error.js';
import { isOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import type { ConfigChangeRecord } from '../../store/governance-records.js';
import type { ConfigChangeQuery } from '../../store/governance-repositories.js';
import type { RequestLogRecord } from '../../store/records.js';
import type { RequestLogFilter } from '../../store/store.js';
import { visibleTeam, type GovernanceContext } from './context.js';
import { readScope } from './scope.js';

const time = z.union([z.iso.datetime(), z.coerce.number().int().nonnegative()]).transform((value) => (typeof value === 'number' ? value : Date.parse(value)));
const status = z.string().regex(/^([1-5]\d\d|[1-5]xx|ok|error)$/, 'use a status code (429), a class (4xx), ok or error');

/** Filters of the request log, through the API's query strings (`auxot audit requests --team eng --since …`). */
export const requestFilterInput = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.string().min(1).optional().describe('cursor: the id of the last record of the previous page'),
    since: time.optional().describe('ISO time or epoch ms, inclusive'),
    until: time.optional().describe('ISO time or epoch ms, exclusive'),
    team: z.string().min(1).optional(),
    user: z.string().min(1).optional().describe('a person (email or id)'),
    key: z.string().min(1).optional().describe('key ids, comma-separated'),
    provider: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    status: status.optional(),
    route: z.string().min(1).optional(),
    worker: z.string().min(1).optional().describe('worker ids, comma-separated'),
  })
  .strict();

export const changeFilterInput = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.string().min(1).optional(),
    since: time.optional(),
    until: time.optional(),
    team: z.string().min(1).optional(),
    actor: z.string().min(1).optional().describe('the id of the person, service account or key that acted'),
    targetType: z.string().min(1).optional(),
    targetId: z.string().min(1).optional(),
  })
  .strict();

export type RequestFilterInput = z.output<typeof requestFilterInput>;
export type ChangeFilterInput = z.output<typeof changeFilterInput>;

/** Reading the audit trail: request records and configuration changes, within what the caller may read. */
export class AuditService {
  constructor(
    private readonly context: GovernanceContext,
    private readonly providerIdOf: (orgId: string, nameOrId: string) => Promise<string>,
    /** Writes queued request records, so a listing right after a request shows it. */
    private readonly flushRequests: () => Promise<void>,
  ) {}

  async requests(actor: Principal, input: RequestFilterInput): Promise<RequestLogRecord[]> {
    await this.flushRequests();
    const filter = await this.requestFilter(actor, input);
    return this.context.store.requestLog.list({ orgId: actor.orgId, limit: input.limit, ...(input.before === undefined ? {} : { before: input.before }), filter });
  }

  async request(actor: Principal, id: string): Promise<RequestLogRecord> {
    await this.flushRequests();
    const record = await this.context.store.requestLog.findById(actor.orgId, id);
    if (record === undefined || !this.mayRead(actor, record)) throw new GatewayError('not_found', `No request '${id}'`);
    return record;
  }

  /** The body a team's policy kept with a request, if any. */
  async requestBody(actor: Principal, id: string): Promise<{ request: string; response: string }> {
    await this.request(actor, id);
    const body = await this.context.store.requestBodies.find(actor.orgId, id);
    if (body === undefined) throw new GatewayError('not_found', `No stored body for request '${id}' (its team's policy does not keep bodies)`);
    return { request: body.request, response: body.response };
  }

  async changes(actor: Principal, input: ChangeFilterInput): Promise<ConfigChangeRecord[]> {
    return this.context.store.configChanges.list(await this.changeQuery(actor, input));
  }

  /** Every matching request record, page by page, for exports (never all in memory at once). */
  async *allRequests(actor: Principal, input: RequestFilterInput): AsyncGenerator<RequestLogRecord> {
    await this.flushRequests();
    const filter = await this.requestFilter(actor, input);
    let before = input.before;
    for (;;) {
      const page = await this.context.store.requestLog.list({ orgId: actor.orgId, limit: 500, ...(before === undefined ? {} : { before }), filter });
      yield* page;
      if (page.length < 500) return;
      before = page.at(-1)?.id;
    }
  }

  async *allChanges(actor: Principal, input: ChangeFilterInput): AsyncGenerator<ConfigChangeRecord> {
    const query = await this.changeQuery(actor, input);
    for (;;) {
      const page = await this.context.store.configChanges.list({ ...query, limit: 500 });
      yield* page;
      if (page.length < 500) return;
      const last = page.at(-1);
      if (last === undefined) return;
      query.before = last.id;
    }
  }

  private mayRead(actor: Principal, record: RequestLogRecord): boolean {
    const scope = readScope(actor);
    switch (scope.kind) {
      case 'all':
        return true;
      case 'teams':
        return (record.teamId !== null && scope.teamIds.includes(record.teamId)) || (scope.userId !== undefined && record.userId === scope.userId);
      case 'own':
        return scope.userId !== undefined ? record.userId === scope.userId : record.keyId === scope.keyId;
    }
  }

  private async requestFilter(actor: Principal, input: RequestFilterInput): Promise<RequestLogFilter> {
    const { store } = this.context;
    const filter: RequestLogFilter = {};
    if (input.since !== undefined) filter.since = input.since;
    if (input.until !== undefined) filter.until = input.until;
    if (input.team !== undefined) filter.teamIds = [(await visibleTeam(this.context, actor, input.team)).id];
    if (input.user !== undefined) filter.userId = ((await store.users.findByEmail(actor.orgId, input.user)) ?? (await store.users.findById(input.user)))?.id ?? '\u0000';
    if (input.key !== undefined) filter.keyIds = list(input.key);
    if (input.worker !== undefined) filter.workerIds = list(input.worker);
    if (input.provider !== undefined) {
      try {
        filter.providerId = await this.providerIdOf(actor.orgId, input.provider);
      } catch {
        throw new GatewayError('invalid_request', `No provider '${input.provider}'`, { param: 'provider' });
      }
    }
    if (input.model !== undefined) filter.model = input.model;
    if (input.route !== undefined) filter.route = input.route;
    if (input.status !== undefined) filter.status = statusRange(input.status);
    const scope = readScope(actor);
    if (scope.kind === 'teams') {
      // A team admin reads their teams' records (and their own).
      filter.teamIds = (filter.teamIds ?? scope.teamIds).filter((id) => scope.teamIds.includes(id));
    } else if (scope.kind === 'own') {
      if (scope.userId !== undefined) filter.userId = scope.userId;
      else filter.keyIds = [scope.keyId];
    }
    return filter;
  }

  private async changeQuery(actor: Principal, input: ChangeFilterInput): Promise<ConfigChangeQuery> {
    const scope = readScope(actor);
    if (scope.kind === 'own') throw new GatewayError('forbidden', "Forbidden: reading configuration changes needs the team admin role (for a team's) or the organization's admin role");
    const query: ConfigChangeQuery = { orgId: actor.orgId, limit: input.limit };
    if (input.before !== undefined) query.before = input.before;
    if (input.since !== undefined) query.since = input.since;
    if (input.until !== undefined) query.until = input.until;
    if (input.actor !== undefined) query.actorId = input.actor;
    if (input.targetType !== undefined) query.targetType = input.targetType;
    if (input.targetId !== undefined) query.targetId = input.targetId;
    if (input.team !== undefined) query.teamIds = [(await visibleTeam(this.context, actor, input.team)).id];
    if (scope.kind === 'teams' && !isOrgAdmin(actor)) query.teamIds = (query.teamIds ?? scope.teamIds).filter((id) => scope.teamIds.includes(id));
    return query;
  }
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function statusRange(value: string): { min: number; max: number } {
  if (value === 'ok') return { min: 0, max: 399 };
  if (value === 'error') return { min: 400, max: 999 };
  if (value.endsWith('xx')) {
    const hundred = Number(value[0]) * 100;
    return { min: hundred, max: hundred + 99 };
  }
  return { min: Number(value), max: Number(value) };
}
