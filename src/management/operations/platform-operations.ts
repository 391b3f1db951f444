import { z } from 'zod';
import { requireOrgAdmin } from '../../governance/permissions.js';
import type { Principal } from '../../governance/principal.js';
import { changeThenAudit, type GovernanceContext } from '../governance/context.js';
import { defineOperation, type AnyOperation } from '../operation.js';
import { createProviderSchema, updateProviderSchema } from '../provider-input.js';
import type { ProviderService } from '../provider-service.js';
import { routeSchema, type RouteService } from '../route-service.js';
import { createWorkerKeySchema, type WorkerKeyService } from '../worker-key-service.js';

export interface PlatformServices {
  context: GovernanceContext;
  providers: ProviderService;
  routes: RouteService;
  workerKeys: WorkerKeyService;
  /** The workers connected right now. */
  connectedWorkers(): unknown[];
}

const provider = z.string().min(1).describe('provider name or id');
const none = z.object({}).strict();

/** Providers, routes, worker keys and workers: the organization's owners and admins manage them. */
export function platformOperations(services: PlatformServices): AnyOperation[] {
  const { context, providers, routes, workerKeys } = services;
  const admin = (actor: Principal, action: string): string => {
    requireOrgAdmin(actor, action);
    return actor.orgId;
  };
  return [
    defineOperation({ id: 'providers.list', summary: 'List providers (never their keys)', kind: 'read', input: none, run: (actor) => providers.list(admin(actor, 'listing providers')) }),
    defineOperation({ id: 'providers.get', summary: 'Show a provider with its capacity and queue', kind: 'read', input: z.object({ provider }).strict(), run: (actor, input) => providers.get(admin(actor, 'reading a provider'), input.provider) }),
    defineOperation({
      id: 'providers.create',
      summary: 'Add a provider (cloud API, OpenAI-compatible server, GPU or CLI worker pool)',
      kind: 'change',
      input: createProviderSchema,
      run: (actor, input) =>
        changeThenAudit(context, actor, async () => {
          const created = await providers.create(admin(actor, 'adding a provider'), input);
          return { result: created, audit: { action: 'provider.create', targetType: 'provider', targetId: created.id, targetName: created.name, before: null, after: withoutLive(created) } };
        }),
    }),
    defineOperation({
      id: 'providers.update',
      summary: "Change a provider (a new baseUrl needs its apiKey again)",
      kind: 'change',
      input: updateProviderSchema.extend({ provider }),
      run: (actor, { provider: name, ...changes }) =>
        changeThenAudit(context, actor, async () => {
          const before = await providers.get(admin(actor, 'changing a provider'), name);
          const after = await providers.update(actor.orgId, name, changes);
          return { result: after, audit: { action: 'provider.update', targetType: 'provider', targetId: after.id, targetName: after.name, before: withoutLive(before), after: withoutLive(after) } };
        }),
    }),
    defineOperation({
      id: 'providers.delete',
      summary: 'Remove a provider',
      kind: 'change',
      input: z.object({ provider }).strict(),
      run: (actor, input) =>
        changeThenAudit(context, actor, async () => {
          const before = await providers.get(admin(actor, 'removing a provider'), input.provider);
          await providers.delete(actor.orgId, input.provider);
          return { result: undefined, audit: { action: 'provider.delete', targetType: 'provider', targetId: before.id, targetName: before.name, before: withoutLive(before), after: null } };
        }),
    }),

    defineOperation({ id: 'routes.list', summary: 'List routes', kind: 'read', input: none, run: (actor) => routes.list(admin(actor, 'listing routes')) }),
    defineOperation({
      id: 'routes.put',
      summary: 'Create or replace a route: the model name callers use and its ordered candidates',
      kind: 'change',
      input: routeSchema.extend({ route: z.string().min(1).describe('the route name (alias)') }),
      run: (actor, { route, ...body }) =>
        changeThenAudit(context, actor, async () => {
          const before = (await routes.list(admin(actor, 'changing a route'))).find((entry) => entry.name === route) ?? null;
          const after = await routes.put(actor.orgId, route, body);
          return { result: after, audit: { action: 'route.put', targetType: 'route', targetId: route, targetName: route, before, after } };
        }),
    }),
    defineOperation({
      id: 'routes.delete',
      summary: 'Remove a route',
      kind: 'change',
      input: z.object({ route: z.string().min(1) }).strict(),
      run: (actor, input) =>
        changeThenAudit(context, actor, async () => {
          const before = (await routes.list(admin(actor, 'removing a route'))).find((entry) => entry.name === input.route) ?? null;
          await routes.delete(actor.orgId, input.route);
          return { result: undefined, audit: { action: 'route.delete', targetType: 'route', targetId: input.route, targetName: input.route, before, after: null } };
        }),
    }),

    defineOperation({ id: 'workerKeys.list', summary: 'List worker keys', kind: 'read', input: none, run: (actor) => workerKeys.list(admin(actor, 'listing worker keys')) }),
    defineOperation({
      id: 'workerKeys.create',
      summary: 'Create a worker key for a GPU or CLI worker provider; the key is returned once',
      kind: 'change',
      input: createWorkerKeySchema,
      run: (actor, input) =>
        changeThenAudit(context, actor, async () => {
          const created = await workerKeys.create(admin(actor, 'creating a worker key'), input);
          return { result: created, audit: { action: 'worker-key.create', targetType: 'worker-key', targetId: created.workerKey.id, targetName: created.workerKey.name, before: null, after: created.workerKey } };
        }),
    }),
    defineOperation({
      id: 'workerKeys.revoke',
      summary: 'Revoke a worker key: its workers are disconnected at once',
      kind: 'change',
      input: z.object({ key: z.string().min(1) }).strict(),
      run: (actor, input) =>
        changeThenAudit(context, actor, async () => {
          const before = (await workerKeys.list(admin(actor, 'revoking a worker key'))).find((key) => key.id === input.key) ?? null;
          await workerKeys.revoke(actor.orgId, input.key);
          return { result: undefined, audit: { action: 'worker-key.revoke', targetType: 'worker-key', targetId: input.key, targetName: before?.name ?? input.key, before, after: { revoked: true } } };
        }),
    }),
    defineOperation({
      id: 'workers.list',
      summary: 'List connected workers',
      kind: 'read',
      input: none,
      run: async (actor) => {
        admin(actor, 'listing workers');
        return services.connectedWorkers();
      },
    }),
  ];
}

/** A provider's configuration as the audit trail keeps it: without its momentary capacity and queue. */
function withoutLive<T extends { capacity?: unknown; queue?: unknown }>(view: T): Omit<T, 'capacity' | 'queue'> {
  const { capacity, queue, ...rest } = view;
  void capacity;
  void queue;
  return rest;
}
