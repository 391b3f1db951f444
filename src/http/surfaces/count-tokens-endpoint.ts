import { isJsonObject } from '../../canonical/json.js';
import { estimateInputTokens } from '../../gateway/estimate-tokens.js';
import { callerKey } from '../caller-key.js';
import { parseJsonBody, readBody } from '../read-body.js';
import type { RouteHandler } from '../router.js';
import { sendDialectError, sendJson } from '../send.js';
import { answerableError } from '../../gateway/unexpected-error.js';
import type { RoutePlanner } from '../../routing/route-planner.js';
import { refuseLoop, type SurfaceContext, type SurfaceDialect } from './surface-context.js';

/**
 * `POST /v1/messages/count_tokens`: `{input_tokens}`. Exact when the route's first countable
 * provider is Anthropic (the request is forwarded), otherwise an estimate, flagged by the
 * `x-auxot-token-count: estimated` header.
 */
export function countTokensEndpoint(context: SurfaceContext, planner: RoutePlanner, { dialect }: SurfaceDialect): RouteHandler {
  return async (request, response) => {
    try {
      const via = refuseLoop(context, request.headers);
      const principal = await context.authenticator.authenticate(callerKey(request.headers));
      const raw = await readBody(request, context.maxBodyBytes);
      const body = parseJsonBody(raw);
      // count_tokens takes the Messages body without max_tokens, which the decoder otherwise requires.
      const decodable = isJsonObject(body) && body.max_tokens === undefined ? { ...body, max_tokens: 1 } : body;
      // The caller's own bytes go upstream (count_tokens takes no max_tokens).
      const chatRequest = dialect.decodeRequest(decodable, raw);
      if (via !== undefined) chatRequest.source.via = via;
      const plan = planner.plan(chatRequest.model);
      void principal;
      for (const candidate of plan.candidates) {
        if (candidate.provider.countTokens === undefined) continue;
        try {
          const inputTokens = await candidate.provider.countTokens(chatRequest, candidate.model);
          if (inputTokens !== undefined) {
            sendJson(response, 200, { input_tokens: inputTokens }, { 'x-auxot-provider': candidate.provider.name });
            return;
          }
        } catch {
          // Counting is advisory: fall back to the estimate rather than fail the caller.
        }
      }
      sendJson(response, 200, { input_tokens: estimateInputTokens(chatRequest) }, { 'x-auxot-token-count': 'estimated' });
    } catch (error) {
      sendDialectError(response, dialect, answerableError(error, context.logger, { surface: 'count_tokens' }));
    }
  };
}
