import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import type { TraceSampler, TracingConfig } from '../../config/tracing-config.js';
import type { GatewayError } from '../../canonical/gateway-error.js';
import type { Logger } from '../../platform/logger.js';
import type { AttemptTrace, AttemptTraceStart, RequestTrace, RequestTraceEnd, RequestTracer, RequestTraceStart } from '../request-trace.js';
import { attemptAttributes, failureAttributes, requestEndAttributes, responseAttributes, spanName } from './span-attributes.js';

/**
 * Traces with OpenTelemetry: a SERVER span per request (continuing the caller's `traceparent`) and
 * a CLIENT span per provider attempt, whose context goes to the upstream. Attributes follow the
 * GenAI semantic conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/);
 * no prompt or completion text is recorded. This module is imported only when tracing is on.
 */
export function createOtelTracer(config: TracingConfig, logger: Logger): RequestTracer {
  // The SDK reports export failures through the global diagnostic logger.
  diag.setLogger(
    {
      error: (message) => logger.warn('tracing: span export failed', { reason: message }),
      warn: (message) => logger.warn('tracing: span export problem', { reason: message }),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const exporter = new OTLPTraceExporter({ url: config.url, headers: config.headers, timeoutMillis: config.exportTimeoutMs });
  const provider = new TracerProvider({
    resource: resourceFromAttributes(config.resource),
    sampler: samplerFor(config.sampler),
    spanLimits: { attributeValueLengthLimit: 4096 },
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.exportDelayMs, exportTimeoutMillis: config.exportTimeoutMs })],
  });
  const tracer = provider.getTracer('auxot');
  const propagator = new W3CTraceContextPropagator();
  return {
    start: (start) => new OtelRequestTrace(tracer, propagator, start),
    close: () => provider.shutdown(),
  };
}

class OtelRequestTrace implements RequestTrace {
  private readonly span: Span;
  private readonly context: Context;
  private answering: { span: Span; start: AttemptTraceStart } | undefined;
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly propagator: W3CTraceContextPropagator,
    start: RequestTraceStart,
  ) {
    const carrier: Record<string, string> = {};
    if (start.parent.traceparent !== undefined) carrier.traceparent = start.parent.traceparent;
    if (start.parent.tracestate !== undefined) carrier.tracestate = start.parent.tracestate;
    // An invalid traceparent is ignored by the propagator: the request starts a new trace.
    const parent = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    const attributes: Attributes = { 'gen_ai.operation.name': 'chat', 'auxot.request_id': start.requestId, 'auxot.surface': start.surface };
    this.span = tracer.startSpan('chat', { kind: SpanKind.SERVER, attributes }, parent);
    this.context = trace.setSpan(ROOT_CONTEXT, this.span);
  }

  attempt(start: AttemptTraceStart): AttemptTrace {
    const span = this.tracer.startSpan(spanName(start.model), { kind: SpanKind.CLIENT, attributes: attemptAttributes(start) }, this.context);
    const headers: Record<string, string> = {};
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
    return {
      headers,
      failed: (error: GatewayError) => {
        span.setAttributes(failureAttributes(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        span.end();
      },
      answering: () => {
        this.answering = { span, start };
      },
    };
  }

  end(end: RequestTraceEnd): void {
    if (this.ended) return;
    this.ended = true;
    const { record } = end;
    const failed = record.status >= 500 || (record.errorCode !== null && record.status < 400);
    const answering = this.answering;
    if (answering !== undefined) {
      answering.span.setAttributes(responseAttributes(end));
      // An answer that broke after its first byte (an in-stream error) is the attempt's failure too.
      if (record.errorCode !== null && record.status !== 499) answering.span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorMessage ?? record.errorCode });
      answering.span.end();
    }
    this.span.updateName(spanName(record.modelRequested ?? undefined));
    this.span.setAttributes(requestEndAttributes(end, answering?.start));
    // Server spans: 5xx (and failures after a 200 was sent) are errors; 4xx are the caller's.
    if (failed) this.span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorMessage ?? record.errorCode ?? `HTTP ${record.status}` });
    this.span.end();
  }
}

function samplerFor(sampler: TraceSampler): Sampler {
  const root = rootSampler(sampler);
  return sampler.parentBased ? new ParentBasedSampler({ root }) : root;
}

function rootSampler(sampler: TraceSampler): Sampler {
  switch (sampler.kind) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(sampler.ratio);
  }
}
