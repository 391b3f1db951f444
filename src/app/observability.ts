import type { TracingConfig } from '../config/tracing-config.js';
import type { RequestLogWriterStats, RequestObserver } from '../governance/request-log-writer.js';
import type { OperationsDependencies } from '../http/operations-endpoints.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import { MetricLabels } from '../observability/metrics/metric-labels.js';
import { OperatorLogs } from '../observability/operator-logs.js';
import { checkReadiness } from '../observability/readiness.js';
import { passThroughTracer, type RequestTracer } from '../observability/request-trace.js';
import type { Clock } from '../platform/clock.js';
import { droppedLogLines, type Logger } from '../platform/logger.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { CircuitBreakers } from '../routing/circuit-breaker.js';
import type { DispatchQueue } from '../routing/dispatch-queue.js';
import type { ExecutionObserver } from '../routing/execute-with-fallback.js';
import type { RouteCatalog } from '../routing/route-catalog.js';
import type { Store } from '../store/store.js';

export interface ObservabilityInputs {
  logger: Logger;
  clock: Clock;
  registry: ProviderRegistry;
  routes: RouteCatalog;
  breakers: CircuitBreakers;
  queue: DispatchQueue;
  store: Store;
  connectedWorkers(): ReadonlyArray<{ provider: string; slots: number; busy: number; suspect: boolean }>;
  /** Read lazily: the writer is built with the observers made here. */
  requestLogStats(): RequestLogWriterStats;
  metricsToken: string | undefined;
}

/** The operator's view of the server: log lines, Prometheus metrics, readiness. */
export interface Observability {
  requestObservers: RequestObserver[];
  execution: ExecutionObserver;
  operations: OperationsDependencies;
}

/** Wires logs, metrics and readiness to what they watch; nothing here runs unless something happens or is scraped. */
export function createObservability(inputs: ObservabilityInputs): Observability {
  const { registry, routes, breakers, queue } = inputs;
  const providerName = (providerId: string): string | undefined => registry.get(providerId)?.name;
  const logs = new OperatorLogs(inputs.logger, providerName);
  const labels = new MetricLabels(
    {
      providerName,
      providers: () => registry.list().map((provider) => ({ name: provider.name, models: () => provider.listModels() })),
      routes: () =>
        routes.names().flatMap((name) => {
          const route = routes.get(name);
          return route === undefined ? [] : [{ name, models: route.candidates.map((candidate) => candidate.model) }];
        }),
    },
    inputs.clock,
  );
  const metrics = new GatewayMetrics(labels, {
    queueWaiting: (serviceClass) => queue.sizeOf(serviceClass),
    providers: () => registry.list().map((provider) => ({ id: provider.id, name: provider.name, inFlight: provider.capacity().inFlight })),
    circuitState: (providerId) => breakers.state(providerId),
    workers: () => inputs.connectedWorkers(),
    requestLog: () => inputs.requestLogStats(),
    logLinesDropped: droppedLogLines,
  });
  breakers.onChange((change) => {
    logs.circuitChanged(change);
    metrics.circuitChanged(change);
  });
  return {
    requestObservers: [(record, principal) => logs.requestEnded(record, principal), (record) => metrics.requestEnded(record)],
    execution: {
      attemptFailed: (failure) => {
        logs.attemptFailed(failure);
        if (!failure.cancelled) metrics.attemptFailed(failure.candidate.provider.id, failure.error);
      },
      waited: (serviceClass, ms, outcome) => metrics.waited(serviceClass, ms, outcome),
    },
    operations: {
      readiness: () => checkReadiness({ store: () => inputs.store.readiness(), requestLog: () => inputs.requestLogStats() }),
      metrics,
      metricsToken: inputs.metricsToken,
    },
  };
}

/** OpenTelemetry is imported only when tracing is configured: without an endpoint none of it loads. */
export async function createTracer(config: TracingConfig | undefined, logger: Logger): Promise<RequestTracer> {
  if (config === undefined) return passThroughTracer;
  const { createOtelTracer } = await import('../observability/tracing/otel-tracer.js');
  return createOtelTracer(config, logger.child({ component: 'tracing' }));
}
