import type { ChatRequest } from '../canonical/chat-request.js';
import type { GatewayError } from '../canonical/gateway-error.js';
import type { Dialect } from '../dialects/dialect.js';
import type { Principal } from '../governance/principal.js';
import type { RequestTrace } from '../observability/request-trace.js';
import type { ResponseSink } from './response-sink.js';

/** Everything the gateway needs to serve one chat request, whatever surface it came in on. */
export interface ChatCall {
  request: ChatRequest;
  principal: Principal;
  /** The dialect the caller speaks: errors and answers are written in it. */
  clientDialect: Dialect;
  requestId: string;
  sink: ResponseSink;
  /** Aborts when the caller hangs up. */
  signal: AbortSignal;
  /** Monotonic time the request arrived, for the timings in its record. */
  receivedAt: number;
  /** Wall-clock time the request arrived. */
  receivedAtEpochMs: number;
  /** The request's trace (a no-op unless tracing is on or the caller sent a traceparent). */
  trace?: RequestTrace;
  /** The agent making this call on the caller's behalf (its request record names it). */
  agentId?: string;
  /**
   * Told the failure the caller is answered with, before it is written: in-process callers (the
   * agent runtime) keep the typed error instead of re-reading it from the encoded body.
   */
  onFailure?: (error: GatewayError) => void;
}
