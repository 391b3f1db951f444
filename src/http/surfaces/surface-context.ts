import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Dialect } from '../../dialects/dialect.js';
import type { AgentRuntime } from '../../agents/agent-runtime.js';
import type { ChatService } from '../../gateway/chat-service.js';
import type { Authenticator } from '../../governance/authenticator.js';
import type { RequestLogWriter } from '../../governance/request-log-writer.js';
import type { Clock } from '../../platform/clock.js';
import type { HopMarker } from '../../platform/hop-marker.js';
import type { RequestTracer } from '../../observability/request-trace.js';
import type { Logger } from '../../platform/logger.js';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { RouteSource } from '../../routing/route-planner.js';

/** What the API surfaces share; built once by the composition root. */
export interface SurfaceContext {
  /** The organization this deployment serves. */
  orgId: string;
  authenticator: Authenticator;
  chatService: ChatService;
  requestLog: RequestLogWriter;
  providers: ProviderRegistry;
  routes: RouteSource & { names(): string[] };
  clock: Clock;
  logger: Logger;
  /** Starts each chat request's trace (a pass-through of the caller's trace context when tracing is off). */
  tracer: RequestTracer;
  /** This deployment's hop marker: a request that already carries it is a loop. */
  hop: HopMarker;
  maxBodyBytes: number;
  newId(prefix: string): string;
  /** Runs `agent:<name>` models. */
  agents: AgentRuntime;
}

export interface SurfaceDialect {
  dialect: Dialect;
  /** Name used in request records (`openai-chat`, `anthropic-messages`, ...). */
  surface: string;
}

/**
 * Refuses a request that has already passed through this deployment (its `Via` carries our mark):
 * a provider's base URL, a worker's upstream or a Claude Code worker's ANTHROPIC_BASE_URL points
 * back at Auxot. Returns the caller's `Via` chain otherwise, to be forwarded with our hop added.
 */
export function refuseLoop(context: SurfaceContext, headers: IncomingHttpHeaders): string | undefined {
  const { via } = headers;
  const loop = context.hop.loopIn(via);
  if (loop !== undefined) {
    throw new GatewayError(
      'loop_detected',
      `Refused: ${loop}. A provider's base URL, a worker's upstream or a Claude Code worker's ANTHROPIC_BASE_URL points back at Auxot.`,
    );
  }
  return via;
}
