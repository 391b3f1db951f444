import type { ChatRequest } from '../canonical/chat-request.js';
import type { GatewayError } from '../canonical/gateway-error.js';
import type { ProviderKind, ProviderTier, RequestLogRecord } from '../store/records.js';

/**
 * Tracing as the request path sees it. The OpenTelemetry implementation (otel-tracer.ts) is loaded
 * only when an OTLP endpoint is configured; otherwise the pass-through tracer below only forwards
 * a caller's trace context to upstreams, so the request path pays for nothing it does not use.
 */
export interface RequestTracer {
  start(start: RequestTraceStart): RequestTrace;
  /** Exports what is still buffered and stops. */
  close(): Promise<void>;
}

/** A caller's W3C trace context headers (https://www.w3.org/TR/trace-context/), as they arrived. */
export interface IncomingTraceContext {
  traceparent: string | undefined;
  tracestate: string | undefined;
}

export interface RequestTraceStart {
  requestId: string;
  /** `openai-chat`, `anthropic-messages`, … */
  surface: string;
  parent: IncomingTraceContext;
}

export interface AttemptTraceStart {
  providerName: string;
  providerKind: ProviderKind;
  tier: ProviderTier;
  model: string;
}

/** How a request ended, for its span: the record says nearly everything. */
export interface RequestTraceEnd {
  record: RequestLogRecord;
  /** The decoded request; absent when it was refused before its body was read. */
  request?: ChatRequest;
  /** What the upstream said it answered with and the id it gave the answer, when it said. */
  responseModel?: string;
  responseId?: string;
}

/** One request's trace; every method may be called on a request nobody traces (a no-op then). */
export interface RequestTrace {
  /** A provider attempt begins; send `headers` with the upstream request. */
  attempt(start: AttemptTraceStart): AttemptTrace;
  /** Ends the request (and the attempt that answered it). Calling it again does nothing. */
  end(end: RequestTraceEnd): void;
}

export interface AttemptTrace {
  /** `traceparent` (and the caller's `tracestate`) for the upstream; empty when there is nothing to pass on. */
  readonly headers: Readonly<Record<string, string>>;
  /** The attempt failed before answering; the router may try the next candidate. */
  failed(error: GatewayError): void;
  /** The attempt answers the caller; it ends with the request. */
  answering(): void;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

const SILENT_ATTEMPT: AttemptTrace = { headers: NO_HEADERS, failed: () => undefined, answering: () => undefined };
const SILENT_TRACE: RequestTrace = { attempt: () => SILENT_ATTEMPT, end: () => undefined };

/** traceparent version 00: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, neither id all zeros. */
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function validTraceparent(value: string | undefined): value is string {
  return value !== undefined && value.length === 55 && TRACEPARENT.test(value) && !value.startsWith('ff');
}

/**
 * Tracing off: Auxot takes no part in the trace but does not break it either (W3C Trace Context
 * asks intermediaries to propagate): a caller's valid `traceparent` and `tracestate` reach HTTP
 * upstreams unchanged. A request without one costs nothing.
 */
export const passThroughTracer: RequestTracer = {
  start({ parent }) {
    if (!validTraceparent(parent.traceparent)) return SILENT_TRACE;
    const headers: Record<string, string> = { traceparent: parent.traceparent };
    if (parent.tracestate !== undefined) headers.tracestate = parent.tracestate;
    const attempt: AttemptTrace = { headers, failed: () => undefined, answering: () => undefined };
    return { attempt: () => attempt, end: () => undefined };
  },
  close: () => Promise.resolve(),
};

/** The trace context headers of an incoming request (repeated headers: the first one). */
export function incomingTraceContext(headers: Record<string, string | string[] | undefined>): IncomingTraceContext {
  return { traceparent: first(headers.traceparent), tracestate: first(headers.tracestate) };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
