import { callerKey } from '../caller-key.js';
import type { RouteHandler } from '../router.js';
import { sendDialectError, sendJson } from '../send.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import { answerableError } from '../../gateway/unexpected-error.js';
import { AUTO_ROUTE } from '../../routing/route-planner.js';
import type { SurfaceContext, SurfaceDialect } from './surface-context.js';

interface ListedModel {
  id: string;
  ownedBy: string;
  createdAtSeconds: number;
}

/** Answers whether a model name has candidates right now (the route planner's preview). */
export interface ModelPreview {
  preview(model: string): readonly unknown[];
}

/**
 * What a caller may ask for: `auto` when it has candidates, the configured route aliases, then
 * every concrete model a provider names, each once.
 */
function listModels(context: SurfaceContext, planner: ModelPreview, startedAtSeconds: number): ListedModel[] {
  const seen = new Set<string>();
  const models: ListedModel[] = [];
  const add = (id: string, ownedBy: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    models.push({ id, ownedBy, createdAtSeconds: startedAtSeconds });
  };
  if (planner.preview(AUTO_ROUTE).length > 0) add(AUTO_ROUTE, 'auxot');
  for (const name of context.routes.names()) add(name, 'auxot');
  for (const provider of context.providers.list()) {
    for (const model of provider.listModels()) add(model, provider.name);
  }
  return models;
}

/** `GET /models` in OpenAI's shape: `{object:'list', data:[{id, object:'model', created, owned_by}]}`. */
export function openAiModelsEndpoint(context: SurfaceContext, surface: SurfaceDialect, planner: ModelPreview): RouteHandler {
  const startedAtSeconds = Math.floor(context.clock.now() / 1000);
  return async (request, response) => {
    try {
      await context.authenticator.authenticate(callerKey(request.headers));
      const data = listModels(context, planner, startedAtSeconds).map((model) => ({
        id: model.id,
        object: 'model',
        created: model.createdAtSeconds,
        owned_by: model.ownedBy,
      }));
      sendJson(response, 200, { object: 'list', data });
    } catch (error) {
      sendDialectError(response, surface.dialect, answerableError(error, context.logger, { surface: 'models' }));
    }
  };
}

/** `GET /models/{id}`: one entry of the list, or OpenAI's 404 `model_not_found`. */
export function openAiModelEndpoint(context: SurfaceContext, surface: SurfaceDialect, planner: ModelPreview): RouteHandler {
  const startedAtSeconds = Math.floor(context.clock.now() / 1000);
  return async (request, response, params) => {
    try {
      await context.authenticator.authenticate(callerKey(request.headers));
      const id = params.id ?? '';
      const model = listModels(context, planner, startedAtSeconds).find((entry) => entry.id === id);
      if (model === undefined) throw new GatewayError('not_found', `The model '${id}' does not exist`, { param: 'model' });
      sendJson(response, 200, { id: model.id, object: 'model', created: model.createdAtSeconds, owned_by: model.ownedBy });
    } catch (error) {
      sendDialectError(response, surface.dialect, answerableError(error, context.logger, { surface: 'models' }));
    }
  };
}

/**
 * `GET /v1/models` in Anthropic's shape. Claude Code reads it only with
 * CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1.
 * @see https://docs.claude.com/en/api/models-list
 */
export function anthropicModelsEndpoint(context: SurfaceContext, surface: SurfaceDialect, planner: ModelPreview): RouteHandler {
  const startedAtSeconds = Math.floor(context.clock.now() / 1000);
  return async (request, response) => {
    try {
      await context.authenticator.authenticate(callerKey(request.headers));
      const data = listModels(context, planner, startedAtSeconds).map((model) => ({
        type: 'model',
        id: model.id,
        display_name: model.id,
        created_at: new Date(model.createdAtSeconds * 1000).toISOString(),
      }));
      sendJson(response, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    } catch (error) {
      sendDialectError(response, surface.dialect, answerableError(error, context.logger, { surface: 'models' }));
    }
  };
}
