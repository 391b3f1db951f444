import type { Authenticator } from '../../governance/authenticator.js';
import type { AuditService } from '../../management/governance/audit-service.js';
import { changeFilterInput, requestFilterInput } from '../../management/governance/audit-service.js';
import type { AnyOperation } from '../../management/operation.js';
import type { Router } from '../router.js';
import { sendJson } from '../send.js';
import { ADMIN_ROUTES, operationsById } from './admin-api.js';
import { exportEndpoint, exportQuery } from './export-endpoints.js';
import { operationRoute as operationRouteFor } from './operation-route.js';
import { openApiDocument, type ExtraRoute } from './openapi.js';
import { callerKey } from '../caller-key.js';

export interface AdminServices {
  authenticator: Authenticator;
  operations: readonly AnyOperation[];
  audit: AuditService;
  version: string;
  /** Routes registered elsewhere that the OpenAPI document lists too. */
  extraRoutes?: readonly ExtraRoute[];
}

/** The management REST API under /api/admin: the operation routes, the streamed exports, and its OpenAPI document. */
export function registerAdminRoutes(router: Router, services: AdminServices): void {
  const operations = operationsById(services.operations);
  for (const route of ADMIN_ROUTES) {
    const operation = operations.get(route.operation);
    if (operation === undefined) throw new Error(`admin route ${route.method} ${route.path} names unknown operation ${route.operation}`);
    router.on(route.method, route.path, operationRouteFor(services.authenticator, route, operation));
  }
  const { audit, authenticator } = services;
  router.on('GET', '/api/admin/requests/export', exportEndpoint(authenticator, requestFilterInput.omit({ limit: true }), 'requests', (actor, input) => audit.allRequests(actor, { ...input, limit: 500 })));
  router.on('GET', '/api/admin/changes/export', exportEndpoint(authenticator, changeFilterInput.omit({ limit: true }), 'changes', (actor, input) => audit.allChanges(actor, { ...input, limit: 500 })));
  const extras: ExtraRoute[] = [
    {
      method: 'GET',
      path: '/api/admin/requests/export',
      summary: 'Export request records (CSV or JSON lines, streamed), with the same filters as the listing',
      query: exportQuery(requestFilterInput.omit({ limit: true })),
      responses: { '200': { description: 'The records', content: { 'application/x-ndjson': {}, 'text/csv': {} } } },
    },
    {
      method: 'GET',
      path: '/api/admin/changes/export',
      summary: 'Export configuration changes (CSV or JSON lines, streamed)',
      query: exportQuery(changeFilterInput.omit({ limit: true })),
      responses: { '200': { description: 'The changes', content: { 'application/x-ndjson': {}, 'text/csv': {} } } },
    },
    ...(services.extraRoutes ?? []),
  ];
  // Built on first request: most servers never serve it, and building it costs memory at start-up.
  let document: ReturnType<typeof openApiDocument> | undefined;
  router.on('GET', '/api/admin/openapi.json', async (request, response) => {
    await authenticator.authenticate(callerKey(request.headers));
    document ??= openApiDocument(ADMIN_ROUTES, operations, extras, services.version);
    sendJson(response, 200, document);
  });
}
