import type { AnyOperation } from '../../management/operation.js';

/** One admin route: an HTTP method and path for an operation. Path parameters are fields of its input. */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operation: string;
  /** Status of a successful answer (a list is wrapped as `{data: [...]}`; nothing is 204). */
  status?: number;
}

/**
 * The management REST API under /api/admin: every route names the operation it runs. Inputs are
 * the path parameters plus the JSON body (or, for GET and DELETE, the query string), validated
 * with the operation's own schema; the OpenAPI document is generated from this table.
 */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: 'GET', path: '/api/admin/providers', operation: 'providers.list' },
  { method: 'POST', path: '/api/admin/providers', operation: 'providers.create', status: 201 },
  { method: 'GET', path: '/api/admin/providers/:provider', operation: 'providers.get' },
  { method: 'PATCH', path: '/api/admin/providers/:provider', operation: 'providers.update' },
  { method: 'DELETE', path: '/api/admin/providers/:provider', operation: 'providers.delete' },
  { method: 'GET', path: '/api/admin/routes', operation: 'routes.list' },
  { method: 'PUT', path: '/api/admin/routes/:route', operation: 'routes.put' },
  { method: 'DELETE', path: '/api/admin/routes/:route', operation: 'routes.delete' },
  { method: 'GET', path: '/api/admin/worker-keys', operation: 'workerKeys.list' },
  { method: 'POST', path: '/api/admin/worker-keys', operation: 'workerKeys.create', status: 201 },
  { method: 'DELETE', path: '/api/admin/worker-keys/:key', operation: 'workerKeys.revoke' },
  { method: 'GET', path: '/api/admin/workers', operation: 'workers.list' },

  { method: 'GET', path: '/api/admin/teams', operation: 'teams.list' },
  { method: 'POST', path: '/api/admin/teams', operation: 'teams.create', status: 201 },
  { method: 'GET', path: '/api/admin/teams/:team', operation: 'teams.get' },
  { method: 'PATCH', path: '/api/admin/teams/:team', operation: 'teams.update' },
  { method: 'DELETE', path: '/api/admin/teams/:team', operation: 'teams.delete' },
  { method: 'PUT', path: '/api/admin/teams/:team/limits', operation: 'teams.setLimits' },
  { method: 'PUT', path: '/api/admin/teams/:team/policy', operation: 'teams.setPolicy' },
  { method: 'GET', path: '/api/admin/teams/:team/members', operation: 'teams.members.list' },
  { method: 'PUT', path: '/api/admin/teams/:team/members/:user', operation: 'teams.members.put' },
  { method: 'DELETE', path: '/api/admin/teams/:team/members/:user', operation: 'teams.members.remove' },
  { method: 'GET', path: '/api/admin/users', operation: 'users.list' },
  { method: 'POST', path: '/api/admin/users', operation: 'users.create', status: 201 },
  { method: 'GET', path: '/api/admin/users/:user', operation: 'users.get' },
  { method: 'PATCH', path: '/api/admin/users/:user', operation: 'users.update' },
  { method: 'DELETE', path: '/api/admin/users/:user', operation: 'users.delete' },
  { method: 'GET', path: '/api/admin/service-accounts', operation: 'serviceAccounts.list' },
  { method: 'POST', path: '/api/admin/service-accounts', operation: 'serviceAccounts.create', status: 201 },
  { method: 'PATCH', path: '/api/admin/service-accounts/:serviceAccount', operation: 'serviceAccounts.update' },
  { method: 'DELETE', path: '/api/admin/service-accounts/:serviceAccount', operation: 'serviceAccounts.delete' },
  { method: 'GET', path: '/api/admin/keys', operation: 'keys.list' },
  { method: 'POST', path: '/api/admin/keys', operation: 'keys.create', status: 201 },
  { method: 'GET', path: '/api/admin/keys/:key', operation: 'keys.get' },
  { method: 'PATCH', path: '/api/admin/keys/:key', operation: 'keys.update' },
  { method: 'DELETE', path: '/api/admin/keys/:key', operation: 'keys.revoke', status: 200 },

  { method: 'GET', path: '/api/admin/usage', operation: 'usage.query' },
  { method: 'GET', path: '/api/admin/requests', operation: 'audit.requests' },
  { method: 'GET', path: '/api/admin/requests/:id', operation: 'audit.request' },
  { method: 'GET', path: '/api/admin/requests/:id/body', operation: 'audit.requestBody' },
  { method: 'GET', path: '/api/admin/changes', operation: 'audit.changes' },
  { method: 'GET', path: '/api/admin/settings', operation: 'settings.get' },
  { method: 'PATCH', path: '/api/admin/settings', operation: 'settings.update' },

  { method: 'GET', path: '/api/admin/agents', operation: 'agents.list' },
  { method: 'GET', path: '/api/admin/agents/:agent', operation: 'agents.get' },
  { method: 'PUT', path: '/api/admin/agents/:agent', operation: 'agents.put' },
  { method: 'DELETE', path: '/api/admin/agents/:agent', operation: 'agents.delete' },
  { method: 'GET', path: '/api/admin/agent-runs', operation: 'agents.runs.list' },
  { method: 'GET', path: '/api/admin/skills', operation: 'skills.list' },
  { method: 'GET', path: '/api/admin/skills/:skill', operation: 'skills.get' },
  { method: 'PUT', path: '/api/admin/skills/:skill', operation: 'skills.put' },
  { method: 'DELETE', path: '/api/admin/skills/:skill', operation: 'skills.delete' },
  { method: 'GET', path: '/api/admin/context-files', operation: 'contextFiles.list' },
  { method: 'GET', path: '/api/admin/context-files/:contextFile', operation: 'contextFiles.get' },
  { method: 'PUT', path: '/api/admin/context-files/:contextFile', operation: 'contextFiles.put' },
  { method: 'DELETE', path: '/api/admin/context-files/:contextFile', operation: 'contextFiles.delete' },

  { method: 'GET', path: '/api/admin/secrets', operation: 'secrets.list' },
  { method: 'PUT', path: '/api/admin/secrets/:secret', operation: 'secrets.put' },
  { method: 'DELETE', path: '/api/admin/secrets/:secret', operation: 'secrets.delete' },
  { method: 'GET', path: '/api/admin/mcp-connections', operation: 'mcp.list' },
  { method: 'GET', path: '/api/admin/mcp-connections/:connection', operation: 'mcp.get' },
  { method: 'PUT', path: '/api/admin/mcp-connections/:connection', operation: 'mcp.put' },
  { method: 'DELETE', path: '/api/admin/mcp-connections/:connection', operation: 'mcp.delete' },
  { method: 'GET', path: '/api/admin/mcp-connections/:connection/tools', operation: 'mcp.tools.list' },
  { method: 'POST', path: '/api/admin/mcp-connections/:connection/tools/approve', operation: 'mcp.tools.approve' },
  { method: 'POST', path: '/api/admin/mcp-connections/:connection/tools/revoke', operation: 'mcp.tools.revoke' },

  { method: 'GET', path: '/api/admin/config/export', operation: 'config.export' },
  { method: 'GET', path: '/api/admin/validate', operation: 'platform.validate' },
  { method: 'GET', path: '/api/admin/handoff', operation: 'platform.handoff' },
];

/** The parameter names of a path pattern (`/teams/:team/members/:user` → team, user). */
export function pathParameters(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

export function operationsById(operations: readonly AnyOperation[]): Map<string, AnyOperation> {
  return new Map(operations.map((operation) => [operation.id, operation]));
}
