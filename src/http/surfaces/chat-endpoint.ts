import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest } from '../../canonical/chat-request.js';
import type { ResponseSink } from '../../gateway/response-sink.js';
import { rejectedRequestRecord } from '../../gateway/rejected-request-record.js';
import type { Principal } from '../../governance/principal.js';
import { callerKey } from '../caller-key.js';
import { NodeResponseSink } from '../node-response-sink.js';
import { parseJsonBody, readBody } from '../read-body.js';
import type { RouteHandler } from '../router.js';
import { sendDialectError } from '../send.js';
import { answerableError } from '../../gateway/unexpected-error.js';
import { incomingTraceContext } from '../../observability/request-trace.js';
import { AgentRuntime } from '../../agents/agent-runtime.js';
import { answerWithAgent } from './agent-answer.js';
import { refuseLoop, type SurfaceContext, type SurfaceDialect } from './surface-context.js';

/** Caller headers that matter to an upstream of the same dialect; nothing else is forwarded. */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * What a surface may add around the common path (the Responses surface resolves
 * `previous_response_id` before decoding, and keeps the answer it sent).
 */
export interface ChatEndpointHooks {
  /** Runs after authentication, on the parsed body; returns the body to decode and how to watch the answer. */
  prepare(body: unknown, principal: Principal): Promise<{ body: unknown; watch?: (sink: ResponseSink, request: ChatRequest) => ResponseSink }>;
}

/**
 * The one chat endpoint, parameterized by dialect: authenticate, read and decode the body, hand
 * the canonical request to the gateway. The OpenAI and Anthropic surfaces differ only in codec.
 */
export function chatEndpoint(context: SurfaceContext, { dialect, surface }: SurfaceDialect, hooks?: ChatEndpointHooks): RouteHandler {
  return async (request, response) => {
    const requestId = context.newId('req_');
    const receivedAt = context.clock.monotonic();
    const receivedAtEpochMs = context.clock.now();
    const sink = new NodeResponseSink(response);
    const trace = context.tracer.start({ requestId, surface, parent: incomingTraceContext(request.headers) });
    let principal: Principal | undefined;
    let model: string | undefined;
    let stream = false;
    try {
      const via = refuseLoop(context, request.headers);
      principal = await context.authenticator.authenticate(callerKey(request.headers));
      const raw = await readBody(request, context.maxBodyBytes);
      const parsed = parseJsonBody(raw);
      const prepared = hooks === undefined ? { body: parsed } : await hooks.prepare(parsed, principal);
      // A prepared body is a new one: the caller's bytes no longer describe it.
      const chatRequest = dialect.decodeRequest(prepared.body, prepared.body === parsed ? raw : undefined);
      model = chatRequest.model;
      stream = chatRequest.stream;
      chatRequest.source.headers = forwardedHeaders(request.headers);
      if (via !== undefined) chatRequest.source.via = via;
      const agentName = AgentRuntime.agentName(chatRequest.model);
      if (agentName !== undefined) {
        await answerWithAgent({
          runtime: context.agents,
          agentName,
          dialect,
          surface,
          request: chatRequest,
          principal,
          sink: prepared.watch?.(sink, chatRequest) ?? sink,
          signal: sink.signal,
          requestId,
          logger: context.logger,
          newId: context.newId,
        });
        return;
      }
      await context.chatService.handle({
        request: chatRequest,
        principal,
        clientDialect: dialect,
        requestId,
        sink: prepared.watch?.(sink, chatRequest) ?? sink,
        signal: sink.signal,
        receivedAt,
        receivedAtEpochMs,
        trace,
      });
    } catch (thrown) {
      const error = answerableError(thrown, context.logger, { requestId, surface });
      const status = sendDialectError(response, dialect, error, requestId);
      const record = rejectedRequestRecord({
        requestId,
        surface,
        orgId: context.orgId,
        principal,
        model,
        stream,
        error,
        status,
        startedAt: receivedAtEpochMs,
        totalMs: context.clock.monotonic() - receivedAt,
      });
      context.requestLog.append(record, principal);
      trace.end({ record });
    }
  };
}

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  return forwarded;
}
