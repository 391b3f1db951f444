import type { Authenticator } from '../../governance/authenticator.js';
import type { ApiKeyService } from '../../management/api-key-service.js';
import type { ProviderService } from '../../management/provider-service.js';
import type { RouteService } from '../../management/route-service.js';
import type { WorkerKeyService } from '../../management/worker-key-service.js';
import type { RequestLogRepository } from '../../store/store.js';
import type { Router } from '../router.js';
import { adminRoute } from './admin-context.js';
import { readRequestLogQuery } from './request-log-query.js';

export interface AdminServices {
  authenticator: Authenticator;
  providers: ProviderService;
  apiKeys: ApiKeyService;
  routes: RouteService;
  workerKeys: WorkerKeyService;
  /** The workers connected right now. */
  connectedWorkers(): unknown[];
  requestLog: RequestLogRepository;
  /** Writes queued request records, so a listing right after a request shows it. */
  flushRequestLog(): Promise<void>;
}

/** The management REST API under /api/admin (documented in the README). */
export function registerAdminRoutes(router: Router, services: AdminServices): void {
  const route = (operation: Parameters<typeof adminRoute>[1]) => adminRoute(services.authenticator, operation);

  router.on('GET', '/api/admin/providers', route(async ({ principal }) => ({ body: { data: await services.providers.list(principal.orgId) } })));
  router.on('POST', '/api/admin/providers', route(async ({ principal, body }) => ({ status: 201, body: await services.providers.create(principal.orgId, await body()) })));
  router.on('GET', '/api/admin/providers/:provider', route(async ({ principal, params }) => ({ body: await services.providers.get(principal.orgId, params.provider ?? '') })));
  router.on(
    'PATCH',
    '/api/admin/providers/:provider',
    route(async ({ principal, params, body }) => ({ body: await services.providers.update(principal.orgId, params.provider ?? '', await body()) })),
  );
  router.on(
    'DELETE',
    '/api/admin/providers/:provider',
    route(async ({ principal, params }) => {
      await services.providers.delete(principal.orgId, params.provider ?? '');
      return { status: 204, body: null };
    }),
  );

  router.on('GET', '/api/admin/keys', route(async ({ principal }) => ({ body: { data: await services.apiKeys.list(principal) } })));
  router.on('POST', '/api/admin/keys', route(async ({ principal, body }) => ({ status: 201, body: await services.apiKeys.create(principal, await body()) })));
  router.on('DELETE', '/api/admin/keys/:key', route(async ({ principal, params }) => ({ body: await services.apiKeys.revoke(principal, params.key ?? '') })));

  router.on('GET', '/api/admin/routes', route(async ({ principal }) => ({ body: { data: await services.routes.list(principal.orgId) } })));
  router.on(
    'PUT',
    '/api/admin/routes/:route',
    route(async ({ principal, params, body }) => ({ body: await services.routes.put(principal.orgId, params.route ?? '', await body()) })),
  );
  router.on(
    'DELETE',
    '/api/admin/routes/:route',
    route(async ({ principal, params }) => {
      await services.routes.delete(principal.orgId, params.route ?? '');
      return { status: 204, body: null };
    }),
  );

  router.on('GET', '/api/admin/workers', route(async () => ({ body: { data: services.connectedWorkers() } })));
  router.on('GET', '/api/admin/worker-keys', route(async ({ principal }) => ({ body: { data: await services.workerKeys.list(principal.orgId) } })));
  router.on('POST', '/api/admin/worker-keys', route(async ({ principal, body }) => ({ status: 201, body: await services.workerKeys.create(principal.orgId, await body()) })));
  router.on(
    'DELETE',
    '/api/admin/worker-keys/:key',
    route(async ({ principal, params }) => {
      await services.workerKeys.revoke(principal.orgId, params.key ?? '');
      return { status: 204, body: null };
    }),
  );

  router.on(
    'GET',
    '/api/admin/requests',
    route(async ({ principal, query }) => {
      await services.flushRequestLog();
      const listing = await readRequestLogQuery(query, async (provider) => (await services.providers.find(principal.orgId, provider)).id);
      return { body: { data: await services.requestLog.list({ orgId: principal.orgId, ...listing }) } };
    }),
  );
  router.on(
    'GET',
    '/api/admin/requests/:id',
    route(async ({ principal, params }) => {
      await services.flushRequestLog();
      const record = await services.requestLog.findById(principal.orgId, params.id ?? '');
      if (record === undefined) return { status: 404, body: { error: { type: 'not_found', message: `No request '${params.id ?? ''}'` } } };
      return { body: record };
    }),
  );
}
