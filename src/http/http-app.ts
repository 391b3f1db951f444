import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../canonical/gateway-error.js';
import type { Dialect } from '../dialects/dialect.js';
import type { EmbeddingsService } from '../gateway/embeddings/embeddings-service.js';
import type { StoredResponses } from '../gateway/responses/stored-responses.js';
import type { Logger } from '../platform/logger.js';
import type { RoutePlanner } from '../routing/route-planner.js';
import { agentRunsEndpoints, type AgentRunsDependencies } from './agent-runs-endpoints.js';
import { registerAdminRoutes, type AdminServices } from './admin/admin-routes.js';
import { ADMIN_AGENT_ROUTES, registerAdminAgentRoutes } from './admin-agent-endpoints.js';
import type { AdminConversations } from '../admin-agent/admin-conversations.js';
import { createDispatcher, type HttpHandler } from './dispatcher.js';
import { registerOperationsEndpoints, type OperationsDependencies } from './operations-endpoints.js';
import { Router } from './router.js';
import { sendAdminError, sendDialectError } from './send.js';
import { chatEndpoint } from './surfaces/chat-endpoint.js';
import { countTokensEndpoint } from './surfaces/count-tokens-endpoint.js';
import { embeddingsEndpoint } from './surfaces/embeddings-endpoint.js';
import { anthropicModelsEndpoint, openAiModelEndpoint, openAiModelsEndpoint } from './surfaces/models-endpoints.js';
import { deleteResponseEndpoint, getResponseEndpoint, responseInputItemsEndpoint, responsesHooks } from './surfaces/responses-endpoints.js';
import type { SurfaceContext, SurfaceDialect } from './surfaces/surface-context.js';
import { workerIdentityEndpoint, type WorkerKeyIdentity } from './worker-identity-endpoint.js';

export interface HttpAppDependencies {
  surfaces: SurfaceContext;
  planner: RoutePlanner;
  openai: Dialect;
  anthropic: Dialect;
  responses: Dialect;
  storedResponses: StoredResponses;
  embeddings: EmbeddingsService;
  admin: AdminServices;
  /** `/healthz`, `/readyz`, `/metrics`. */
  operations: OperationsDependencies;
  logger: Logger;
  /** Looks up a worker key for `GET /api/worker/identity`. */
  workerIdentity: (key: string) => Promise<WorkerKeyIdentity | undefined>;
  /** The runs API's store and callback rules. */
  agentRuns: Omit<AgentRunsDependencies, 'surfaces' | 'dialect'>;
  /** The Admin Agent's conversations. */
  adminAgent: AdminConversations;
}

/**
 * The route table. Every API path works with and without `/v1` (clients disagree on where the
 * version goes), and the base paths answer HEAD (Claude Code probes its base URL on start-up).
 */
export function createHttpApp(dependencies: HttpAppDependencies): HttpHandler {
  const router = new Router();
  const openai: SurfaceDialect = { dialect: dependencies.openai, surface: 'openai-chat' };
  const anthropic: SurfaceDialect = { dialect: dependencies.anthropic, surface: 'anthropic-messages' };
  const responses: SurfaceDialect = { dialect: dependencies.responses, surface: 'openai-responses' };
  const { surfaces, storedResponses } = dependencies;

  for (const base of ['/api/openai', '/api/openai/v1']) {
    router.on('POST', `${base}/chat/completions`, chatEndpoint(surfaces, openai));
    router.on('POST', `${base}/responses`, chatEndpoint(surfaces, responses, responsesHooks(surfaces, storedResponses)));
    router.on('GET', `${base}/responses/:id`, getResponseEndpoint(surfaces, storedResponses, responses));
    router.on('DELETE', `${base}/responses/:id`, deleteResponseEndpoint(surfaces, storedResponses, responses));
    router.on('GET', `${base}/responses/:id/input_items`, responseInputItemsEndpoint(surfaces, storedResponses, responses));
    router.on('POST', `${base}/embeddings`, embeddingsEndpoint(surfaces, dependencies.embeddings, openai));
    router.on('GET', `${base}/models`, openAiModelsEndpoint(surfaces, openai, dependencies.planner));
    router.on('GET', `${base}/models/:id`, openAiModelEndpoint(surfaces, openai, dependencies.planner));
    router.on('HEAD', base, (_request, response) => void response.writeHead(200).end());
  }
  for (const base of ['/api/anthropic', '/api/anthropic/v1']) {
    router.on('POST', `${base}/messages`, chatEndpoint(surfaces, anthropic));
    router.on('POST', `${base}/messages/count_tokens`, countTokensEndpoint(surfaces, dependencies.planner, anthropic));
    router.on('GET', `${base}/models`, anthropicModelsEndpoint(surfaces, anthropic, dependencies.planner));
    router.on('HEAD', base, (_request, response) => void response.writeHead(200).end());
  }
  registerOperationsEndpoints(router, dependencies.operations);
  registerAdminRoutes(router, { ...dependencies.admin, extraRoutes: ADMIN_AGENT_ROUTES });
  registerAdminAgentRoutes(router, dependencies.admin.authenticator, dependencies.adminAgent);
  const runs = agentRunsEndpoints({ surfaces, dialect: dependencies.openai, ...dependencies.agentRuns });
  router.on('POST', '/api/agents/:agent/runs', runs.create);
  router.on('GET', '/api/agents/runs/:id', runs.get);
  router.on('GET', '/api/worker/identity', workerIdentityEndpoint(dependencies.workerIdentity));

  return createDispatcher(router, {
    logger: dependencies.logger,
    sendError: (response, path, error) => sendError(response, path, error, dependencies),
  });
}

/** Errors on the API surfaces are in that surface's dialect; everything else gets the admin shape. */
function sendError(response: ServerResponse, path: string, error: GatewayError, dependencies: HttpAppDependencies): void {
  if (path.startsWith('/api/openai')) sendDialectError(response, dependencies.openai, error);
  else if (path.startsWith('/api/anthropic')) sendDialectError(response, dependencies.anthropic, error);
  else sendAdminError(response, error);
}
