import type { ChatRequest } from '../canonical/chat-request.js';
import type { ChatResult } from '../canonical/chat-result.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Dialect } from '../dialects/dialect.js';
import type { ChatService } from '../gateway/chat-service.js';
import type { Principal } from '../governance/principal.js';
import type { Clock } from '../platform/clock.js';
import { MemorySink } from './memory-sink.js';

export interface ModelCallDependencies {
  chatService: ChatService;
  /** The dialect a step is written in (OpenAI chat): the agent is an OpenAI client in-process. */
  dialect: Dialect;
  clock: Clock;
}

export interface ModelCall {
  request: ChatRequest;
  principal: Principal;
  agentId: string;
  requestId: string;
  signal: AbortSignal;
}

/**
 * One model call of an agent, through the gateway in-process (no HTTP loopback): encoded as the
 * OpenAI chat body a client would send and served by ChatService, so the caller's admission,
 * policy, limits, budget, routing, failover and one request record apply to every step.
 */
export async function callModel(dependencies: ModelCallDependencies, call: ModelCall): Promise<ChatResult> {
  const { dialect, clock } = dependencies;
  const encoded = dialect.encodeRequest(call.request, { model: call.request.model, stream: false });
  const request = dialect.decodeRequest(encoded.body);
  if (call.request.source.via !== undefined) request.source.via = call.request.source.via;
  const sink = new MemorySink(call.signal);
  let failure: GatewayError | undefined;
  await dependencies.chatService.handle({
    request,
    principal: call.principal,
    clientDialect: dialect,
    requestId: call.requestId,
    sink,
    signal: call.signal,
    receivedAt: clock.monotonic(),
    receivedAtEpochMs: clock.now(),
    agentId: call.agentId,
    onFailure: (error) => (failure = error),
  });
  if (failure !== undefined) throw failure;
  if (call.signal.aborted) throw new GatewayError('upstream_error', 'The caller went away', { retryable: false });
  if (sink.status !== 200) throw new GatewayError('internal', `A model call of the agent ended with status ${sink.status}`);
  return dialect.decodeResult(JSON.parse(sink.text()));
}
