import { decodeEmbeddingRequest, encodeEmbeddingResponse } from '../../dialects/openai-embeddings/embeddings-wire.js';
import type { EmbeddingsService } from '../../gateway/embeddings/embeddings-service.js';
import { rejectedRequestRecord } from '../../gateway/rejected-request-record.js';
import { answerableError } from '../../gateway/unexpected-error.js';
import type { Principal } from '../../governance/principal.js';
import { callerKey } from '../caller-key.js';
import { NodeResponseSink } from '../node-response-sink.js';
import { parseJsonBody, readBody } from '../read-body.js';
import type { RouteHandler } from '../router.js';
import { sendDialectError, sendJson } from '../send.js';
import { refuseLoop, type SurfaceContext, type SurfaceDialect } from './surface-context.js';

/** `POST /v1/embeddings`: authenticate, decode, route like chat, answer in the encoding asked for. */
export function embeddingsEndpoint(context: SurfaceContext, embeddings: EmbeddingsService, { dialect }: SurfaceDialect): RouteHandler {
  return async (request, response) => {
    const requestId = context.newId('req_');
    const receivedAt = context.clock.monotonic();
    const receivedAtEpochMs = context.clock.now();
    // Only for its hang-up signal: the answer is one JSON body.
    const sink = new NodeResponseSink(response);
    let principal: Principal | undefined;
    let model: string | undefined;
    let reachedService = false;
    try {
      const via = refuseLoop(context, request.headers);
      principal = await context.authenticator.authenticate(callerKey(request.headers));
      const decoded = decodeEmbeddingRequest(parseJsonBody(await readBody(request, context.maxBodyBytes)));
      if (via !== undefined) decoded.request.via = via;
      model = decoded.request.model;
      reachedService = true;
      const outcome = await embeddings.embed({
        request: decoded.request,
        principal,
        requestId,
        signal: sink.signal,
        receivedAt,
        receivedAtEpochMs,
        statusFor: (error) => dialect.encodeError(error).status,
      });
      const { provider, model: providerModel } = outcome.candidate;
      sendJson(response, 200, encodeEmbeddingResponse(outcome.result, decoded.encodingFormat), {
        'x-request-id': requestId,
        'x-auxot-route': outcome.route,
        'x-auxot-provider': provider.name,
        'x-auxot-tier': provider.tier,
        'x-auxot-model': providerModel,
      });
    } catch (thrown) {
      const error = answerableError(thrown, context.logger, { requestId, surface: 'openai-embeddings' });
      const status = sendDialectError(response, dialect, error, requestId);
      // The service records what reached it; only refusals before that are recorded here.
      if (!reachedService) {
        context.requestLog.append(
          rejectedRequestRecord({
            requestId,
            surface: 'openai-embeddings',
            orgId: context.orgId,
            principal,
            model,
            stream: false,
            error,
            status,
            startedAt: receivedAtEpochMs,
            totalMs: context.clock.monotonic() - receivedAt,
          }),
        );
      }
    }
  };
}
